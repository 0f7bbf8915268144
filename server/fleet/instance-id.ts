import type { Config } from '../config.ts'

/** This process's name in the fleet: SLUICE_INSTANCE, or host:port/pid (the port once known, for PORT=0). */
export function instanceId(config: Pick<Config, 'instance' | 'host' | 'port'>, port: number = config.port): string {
  return config.instance ?? `${config.host}:${port}/${process.pid}`
}
