/** The floor: Node's `http` reads the body and answers 202, nothing else. */
import { createServer } from 'node:http'
import { listenAddress } from './listen-address.ts'

const ACCEPTED = '{"accepted":true}'

const server = createServer((req, res) => {
  // Read the body through, as a real ingest server must, but look at none of it.
  req.resume()
  req.once('end', () => {
    res.writeHead(202, { 'content-type': 'application/json', 'content-length': ACCEPTED.length })
    res.end(ACCEPTED)
  })
})
const { host, port } = listenAddress()
server.listen(port, host)
