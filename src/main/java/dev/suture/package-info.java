/**
 * Suture: live, function-by-function updates of running Linux kernels.
 *
 * <p>Top level: what every package may use — {@link dev.suture.SutureException} (a failure the user can act on),
 * {@link dev.suture.Json}, {@link dev.suture.Progress} (how long work reports, shown by the CLI) and
 * {@link dev.suture.SutureHome} (Suture's folder on this host and what lives in it). The packages below form
 * three stacks side by side, each knowing nothing of the others: building patches ({@code kernel}, {@code patch}),
 * test VMs ({@code vm}), and acting on machines ({@code machine}); they meet only in the contracts
 * {@code manifest} and {@code channel}, and in {@code cli}. ARCHITECTURE.md at the repository root is the map.
 */
package dev.suture;
