/**
 * The build pipeline: {@code PatchBuild} reads the fix once and hands it to a front-end
 * ({@code FunctionFileFrontEnd} or {@code DiffFrontEnd}), which plans the module in a private build directory;
 * {@code ModuleLinker} is the shared ending (kbuild link, symbol resolution, klp conversion in
 * {@code KlpConverter}, where klp relocations are made, atomic write). The result is a {@code BuildOutcome}.
 */
package dev.suture.patch.module;
