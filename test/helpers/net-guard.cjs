// Loaded with --require into every CLI child process the tests start: any TCP connection to an
// address outside 127.0.0.0/8 or ::1 fails at once, so a regression that would reach the
// internet (an SDK ignoring an endpoint override, instance metadata) fails fast instead of hanging.
const net = require('node:net');
const original = net.Socket.prototype.connect;
const loopback = (h) => !h || h === 'localhost' || /^127\./.test(h) || h === '::1' || h === '::ffff:127.0.0.1';
net.Socket.prototype.connect = function guarded(...args) {
  // net.connect() passes its already-normalized [options, callback] pair as the first argument.
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const opts = typeof first === 'object' && first !== null ? first : { port: first, host: typeof args[1] === 'string' ? args[1] : undefined };
  if (!opts.path && !loopback(opts.host)) {
    throw new Error(`nhiscan test net guard: refused connection to ${opts.host}:${opts.port}`);
  }
  return original.apply(this, args);
};
