import type { Writable } from 'node:stream';

/**
 * Settles when a writer that met backpressure may write again: the stream drained, or it closed
 * (the client went away). Whichever comes first removes the other listener: a plain pair of
 * `once` calls left a 'close' listener behind after every drain, and a fake streaming a large
 * body to a slow reader piled up enough of them for Node to warn of a listener leak.
 */
export function writableAgain(w: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      w.off('drain', done);
      w.off('close', done);
      resolve();
    };
    w.on('drain', done);
    w.on('close', done);
  });
}
