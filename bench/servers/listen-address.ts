/** Where a reference server listens: HOST and PORT, as Sluice reads them, loopback by default. */
export function listenAddress(): { host: string; port: number } {
  const port = Number(process.env.PORT)
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`PORT: expected a port number, got "${process.env.PORT}"`)
  return { host: process.env.HOST || '127.0.0.1', port }
}
