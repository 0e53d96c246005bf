// Numbered log lines at a steady rate on stdout, for bench/log_throughput.py. Runs in a
// container on the sandbox's real node: `node -e SOURCE NAME RATE SECONDS DIR`, DIR being a
// hostPath directory the bench shares with the container.
//
// Prints `NAME 00000000 primer` at once (a follower that showed it has its stream open
// before the flood), waits for DIR/go, then prints
// RATE lines a second for SECONDS, `NAME <number from 1> <payload>`, in slices every 10 ms.
// DIR/NAME.json then gets the start, the end, the lines written and when each slice was
// written ([time, lines so far]); the bench's clock is this machine's, as is ours.
"use strict";
const fs = require("fs");

const [name, rateText, secondsText, dir] = process.argv.slice(1);
const rate = Number(rateText);
const total = Math.floor(rate * Number(secondsText));
const PAYLOAD = "GET /api/orders/4711 200 12ms user=alice trace=5f2a9c0e1b7d4f36 bytes=1532";
const TICK_MS = 10;
const pause = new Int32Array(new SharedArrayBuffer(4));

// fd 1 as the runtime gave it, not process.stdout: libuv may make a pipe non-blocking and
// queue writes in memory, and then what was "written" would not be in the log yet.
function writeAll(text) {
  let data = Buffer.from(text);
  while (data.length) {
    try {
      data = data.subarray(fs.writeSync(1, data));
    } catch (error) {
      if (error.code !== "EAGAIN") throw error;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}

const numbered = (n) => `${name} ${String(n).padStart(8, "0")}`;

function flood() {
  const start = Date.now();
  const slices = [];
  let written = 0;
  const tick = () => {
    const due = Math.min(Math.floor(((Date.now() - start) / 1000) * rate), total);
    if (due > written) {
      let chunk = "";
      for (let n = written + 1; n <= due; n++) chunk += `${numbered(n)} ${PAYLOAD}\n`;
      writeAll(chunk);
      written = due;
      slices.push([Date.now() / 1000, written]);
    }
    if (written < total) {
      setTimeout(tick, TICK_MS);
      return;
    }
    const summary = { start: start / 1000, end: Date.now() / 1000, rate, written, slices };
    fs.writeFileSync(`${dir}/${name}.json.tmp`, JSON.stringify(summary));
    fs.renameSync(`${dir}/${name}.json.tmp`, `${dir}/${name}.json`);
  };
  tick();
}

writeAll(`${numbered(0)} primer\n`);
const waitForGo = () => (fs.existsSync(`${dir}/go`) ? flood() : setTimeout(waitForGo, 5));
waitForGo();
// Stay up once done: a restarted container would print its primer again.
setInterval(() => {}, 1 << 30);
