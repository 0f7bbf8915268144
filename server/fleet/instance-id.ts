import type { Config } from '../config.ts'

/**
 * The name this process has in the fleet: SLUICE_INSTANCE, or host:port/pid (the port once
 * known, for PORT=0). The pid is in the default because workers of one machine share host
 * and port, and a restart is a new instance (its counters start again from zero).
 */
export function instanceId(config: Pick<Config, 'instance' | 'host' | 'port'>, port: number = config.port): string {
  return config.instance ?? `${config.host}:${port}/${process.pid}`
}
