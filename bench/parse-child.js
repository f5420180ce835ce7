// The floor for any JavaScript YAML linter: parse the stream with js-yaml and nothing else.
'use strict';
const fs = require('fs');
const yaml = require('js-yaml');
const objects = yaml.loadAll(fs.readFileSync(process.argv[2], 'utf8')).filter(d => d !== null && d !== undefined);
process.stderr.write(JSON.stringify({ objects: objects.length, located: 0, maxRssMb: process.resourceUsage().maxRSS / 1024 }) + '\n');
