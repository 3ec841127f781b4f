// Parses a GIFT file with gift-pegjs, a GIFT parser independent of certprep, and prints the
// questions as JSON: node tests/gift_parse.js PATH_TO_gift-pegjs FILE.gift
const { parse } = require(process.argv[2]);
const text = require("fs").readFileSync(process.argv[3], "utf8");
process.stdout.write(JSON.stringify(parse(text)));
