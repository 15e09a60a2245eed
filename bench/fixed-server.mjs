// The local server of part 3 of `cargo xtask bench`: Node's `http`, in its
// own process (so that the client's CPU time is measured alone), answering
// every request with one fixed body (BENCH_BODY_FILE) after reading the
// request's. Prints `listening on http://127.0.0.1:PORT` first.

import { readFileSync } from "node:fs";
import { createServer } from "node:http";

const body = readFileSync(process.argv[2]);
const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    res.writeHead(200, {
      "Content-Type": "application/json;charset=UTF-8",
      "Content-Length": body.length,
      "Access-Control-Expose-Headers": "Date, Retry-After, X-Traceid",
    });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`listening on http://127.0.0.1:${server.address().port}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
