/**
 * Many machines at once, without an orchestrator of Suture's own: Ansible drives the rollout (inventory, forks,
 * waves, halting); this package gives it what happens per machine as a value ({@link dev.suture.fleet.MachineResult},
 * written by {@code apply/revert/install --result}), the health check between waves, the one report of the whole
 * rollout, and the status of every machine of an inventory in parallel.
 */
package dev.suture.fleet;
