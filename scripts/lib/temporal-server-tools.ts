import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { goInstall, isExecutable, onPath } from './temporal-cli';

/**
 * The production profile's Temporal binaries, built from source with Go at the versions the CLI
 * v1.5.1 embeds, and kept in `.tools/bin` under names of their own (two of the packages are
 * called `server`): the server, its SQL schema tool, and the UI server.
 */
export const TEMPORAL_SERVER_TOOLS = {
  server: {
    module: 'go.temporal.io/server/cmd/server@v1.29.1',
    binary: 'temporal-server',
    version: '1.29.1',
    what: 'the Temporal server',
  },
  sqlTool: {
    module: 'go.temporal.io/server/cmd/tools/sql@v1.29.1',
    binary: 'temporal-sql-tool',
    version: '1.29.1',
    what: "the Temporal server's SQL tool",
  },
  uiServer: {
    module: 'github.com/temporalio/ui-server/v2/cmd/server@v2.42.1',
    binary: 'temporal-ui-server',
    version: '2.42.1',
    what: 'the Temporal UI server',
  },
} as const;

export type ServerTool = keyof typeof TEMPORAL_SERVER_TOOLS;
export type ServerToolPaths = Record<ServerTool, string>;

/** `--version` says the version we build (a stale binary from another version is rebuilt). */
function hasVersion(path: string, version: string): boolean {
  try {
    return execFileSync(path, ['--version'], { encoding: 'utf8', timeout: 10_000 }).includes(version);
  } catch {
    return false;
  }
}

/**
 * The three binaries in `<toolsDir>/bin`, built with `go install` where missing (or of another
 * version). Returns their paths and how long each build took (0 when reused).
 */
export async function resolveTemporalServerTools(options: {
  toolsDir: string;
  log: (message: string) => void;
}): Promise<{ paths: ServerToolPaths; buildSeconds: Partial<Record<ServerTool, number>> }> {
  const toolsDir = resolve(options.toolsDir);
  const paths = {} as ServerToolPaths;
  const buildSeconds: Partial<Record<ServerTool, number>> = {};
  for (const [tool, spec] of Object.entries(TEMPORAL_SERVER_TOOLS) as [
    ServerTool,
    (typeof TEMPORAL_SERVER_TOOLS)[ServerTool],
  ][]) {
    const target = join(toolsDir, 'bin', spec.binary);
    paths[tool] = target;
    if (isExecutable(target) && hasVersion(target, spec.version)) continue;
    if (!onPath('go'))
      throw new Error(
        `${spec.what} is not in ${target} and Go is not installed to build it (go install ${spec.module})`,
      );
    // Each package builds a binary named after its folder (`server`, `sql`): build into a folder
    // of its own, then move it under its own name.
    const gobin = join(toolsDir, 'build', spec.binary);
    rmSync(gobin, { recursive: true, force: true });
    buildSeconds[tool] = await goInstall({ module: spec.module, what: spec.what, gobin, log: options.log });
    const built = join(gobin, spec.module.split('@')[0]!.split('/').at(-1)!);
    mkdirSync(join(toolsDir, 'bin'), { recursive: true });
    renameSync(built, target);
    rmSync(gobin, { recursive: true, force: true });
    if (!hasVersion(target, spec.version))
      throw new Error(`${target} does not report version ${spec.version} after the build`);
  }
  return { paths, buildSeconds };
}
