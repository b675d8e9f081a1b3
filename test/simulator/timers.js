// @ts-check
'use strict';

/**
 * A tiny timer registry: every timer the simulator starts goes through here so that
 * close()/reset() can cancel all of them at once (no stray timers keep jest or the CLI alive).
 */
class Timers {
  constructor() {
    /** @type {Set<NodeJS.Timeout>} */
    this.handles = new Set();
  }

  /**
   * @param {() => void} fn
   * @param {number} ms
   * @returns {NodeJS.Timeout}
   */
  set(fn, ms) {
    const handle = setTimeout(() => {
      this.handles.delete(handle);
      fn();
    }, Math.max(0, ms));
    this.handles.add(handle);
    return handle;
  }

  /** @param {NodeJS.Timeout | undefined} handle */
  clear(handle) {
    if (!handle) return;
    clearTimeout(handle);
    this.handles.delete(handle);
  }

  /**
   * Promise that resolves after `ms` (never resolves if the registry is cleared first;
   * callers are request handlers whose sockets are destroyed on close anyway).
   * @param {number} ms
   * @returns {Promise<void>}
   */
  sleep(ms) {
    return new Promise((resolve) => {
      this.set(resolve, ms);
    });
  }

  clearAll() {
    for (const handle of this.handles) clearTimeout(handle);
    this.handles.clear();
  }
}

module.exports = { Timers };
