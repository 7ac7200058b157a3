// Checks Beckn Authorization headers with ONDC's official Node SDK
// (ondc-crypto-sdk-nodejs, installed by scripts/services).
// stdin: a JSON array of {header, body, publicKey}, body as base64 of the exact bytes sent.
// stdout: a JSON array of booleans, isHeaderValid's answer for each.
"use strict";
const { isHeaderValid } = require("ondc-crypto-sdk-nodejs");

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const items = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  const answers = [];
  for (const { header, body, publicKey } of items) {
    const text = Buffer.from(body, "base64").toString("utf8");
    answers.push(await isHeaderValid({ header, body: text, publicKey }));
  }
  process.stdout.write(JSON.stringify(answers));
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error));
  process.exit(1);
});
