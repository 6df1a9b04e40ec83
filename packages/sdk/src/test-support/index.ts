/** @module Test support for the SDK's tests (not part of any entry point). */
export { type Answer, type Captured, type CaptureServer, parseEnvelope, startCaptureServer } from './capture-server.js';
export { assertShapeLike, FIXTURES, fixtureRequests, haveFixtures, parseEnvelopeBytes } from './fixtures.js';
export { startTestServer, type TestServer } from './heed-server.js';
