// Preloaded into every Harper node (NODE_OPTIONS=--require) by scripts/harper-cluster.
// Harper 4.7 binds listeners whose configured port has no address to "::", the wildcard, through
// node-unix-socket's createReuseportFd; one internal listener on an ephemeral port is always such.
// This keeps every listener on the node's own loopback address (HARPER_BIND_ADDRESS).
'use strict';
const Module = require('module');
const net = require('net');
const address = process.env.HARPER_BIND_ADDRESS;
const isWildcard = (host) => host === undefined || host === null || host === '' || host === '::' || host === '0.0.0.0';

if (address) {
  const load = Module._load;
  Module._load = function (request, ...rest) {
    const exported = load.call(this, request, ...rest);
    if (request === 'node-unix-socket' && exported && !exported.__loopbackOnly) {
      const createReuseportFd = exported.createReuseportFd;
      return Object.assign({}, exported, {
        __loopbackOnly: true,
        createReuseportFd: (port, host) => createReuseportFd(port, isWildcard(host) ? address : host),
      });
    }
    return exported;
  };

  const listen = net.Server.prototype.listen;
  net.Server.prototype.listen = function (...args) {
    const first = args[0];
    if (first !== null && typeof first === 'object' && first.port !== undefined && isWildcard(first.host)) {
      args[0] = Object.assign({}, first, { host: address });
    } else if (typeof first === 'number') {
      if (typeof args[1] !== 'string') args.splice(1, 0, address);
      else if (isWildcard(args[1])) args[1] = address;
    }
    return listen.apply(this, args);
  };
}
