#!/usr/bin/env -S node --max-semi-space-size=64
// The `lablog` command: runs the built CLI (agent/src/cli.ts; `npm run build` builds it).
// This launcher is plain JS so npm can link it at install time, before the first build.
// The flag: ingest parses many ~60 KB JSON messages a second and nearly all of that garbage
// dies young; a 64 MB young generation turns most collector work into cheap scavenges
// (measured: WS ingest ~550k -> ~800k points/s). `npm start` passes the same flag.
import '../dist/cli.js';
