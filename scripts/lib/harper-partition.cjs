// Preloaded into every Harper node (NODE_OPTIONS=--require) by scripts/harper-cluster, for fault
// tests: while the file named by HARPER_PARTITION_FLAG exists, this node's replication links are
// cut (every open one destroyed, every new one refused), so the node neither sends nor receives
// replicated writes while it keeps answering the operations API. `scripts/harper-cluster partition
// I` creates the file; `heal I` removes it, and Harper's own reconnection resumes replication.
'use strict';
const fs = require('fs');
const net = require('net');
const flag = process.env.HARPER_PARTITION_FLAG;
const port = Number(process.env.HARPER_REPLICATION_PORT || 9933);

if (flag) {
  const links = new Set();
  const partitioned = () => fs.existsSync(flag);
  const track = (socket) => {
    links.add(socket);
    socket.once('close', () => links.delete(socket));
    if (partitioned()) socket.destroy();
  };

  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function (...args) {
    const result = connect.apply(this, args);
    // net.connect() passes its normalized arguments as one array.
    const options = Array.isArray(args[0]) ? args[0][0] : args[0];
    const target = options !== null && typeof options === 'object' ? options.port : options;
    if (Number(target) === port) process.nextTick(() => track(this));
    return result;
  };

  const emit = net.Server.prototype.emit;
  net.Server.prototype.emit = function (event, socket, ...rest) {
    if (event === 'connection' && socket && socket.localPort === port) {
      track(socket);
      if (socket.destroyed) return true;
    }
    return emit.call(this, event, socket, ...rest);
  };

  setInterval(() => {
    if (partitioned()) links.forEach((socket) => socket.destroy());
  }, 200).unref();
}
