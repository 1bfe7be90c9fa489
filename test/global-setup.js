// Jest global set-up: bring dist/ up to date once per run, so the tests that spawn the CLI
// (bin/salescast.js runs the compiled code) run what the sources say, and the test workers do not
// each rebuild it at the same time. A no-op when nothing changed since the last build.
const { build } = require('../scripts/build.js');

module.exports = () => {
  build();
};
