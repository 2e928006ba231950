/**
 * `lablog jupyter install|uninstall [--user | --sys-prefix | --dir DIR]`: puts lablog's prebuilt
 * JupyterLab extension (built by `npm run build` into agent/labextension/, install.json
 * included) where JupyterLab looks for prebuilt extensions, `<data dir>/labextensions/<name>/`,
 * or takes it away. No Python package and no JupyterLab rebuild are needed.
 */
import { execFileSync } from 'node:child_process';
import { cp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { homedir, platform } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CommandFailure } from '../importExport/CommandFailure.js';

/** Where `npm run build` puts the prebuilt extension. */
export const LABEXTENSION_DIR = fileURLToPath(new URL('../../labextension/', import.meta.url));

const HELP = `Usage:
  lablog jupyter install   [--user | --sys-prefix | --dir DIR] [--python PYTHON]
  lablog jupyter uninstall [--user | --sys-prefix | --dir DIR] [--python PYTHON]

Installs lablog's prebuilt JupyterLab 4 extension where JupyterLab finds it, or removes it:
  --user         your Jupyter data folder (default; JUPYTER_DATA_DIR, else ~/.local/share/jupyter)
  --sys-prefix   the data folder of a Python environment: <sys.prefix>/share/jupyter, for the
                 python given by --python (default: python3 on PATH)
  --dir DIR      a Jupyter data folder of your choice (one of JUPYTER_PATH's entries)
Then reload JupyterLab; \`jupyter labextension list\` shows it.
`;

/** The user's Jupyter data folder, as jupyter_core computes it. */
function userDataDir(): string {
  if (process.env.JUPYTER_DATA_DIR) return resolve(process.env.JUPYTER_DATA_DIR);
  const home = homedir();
  if (platform() === 'darwin') return join(home, 'Library', 'Jupyter');
  if (platform() === 'win32') return join(process.env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'jupyter');
  return join(process.env.XDG_DATA_HOME ?? join(home, '.local', 'share'), 'jupyter');
}

/** `<sys.prefix>/share/jupyter` of a Python interpreter. */
function sysPrefixDataDir(python: string): string {
  try {
    const prefix = execFileSync(python, ['-c', 'import sys; print(sys.prefix)'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    return join(prefix, 'share', 'jupyter');
  } catch (err) {
    throw new CommandFailure(`--sys-prefix: could not ask ${python} for its sys.prefix (${(err as Error).message.split('\n')[0]}); give --python or use --dir`, 2);
  }
}

/** Runs `lablog jupyter …`. @throws CommandFailure with the exit code */
export async function jupyterCommand(args: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { user: { type: 'boolean' }, 'sys-prefix': { type: 'boolean' }, dir: { type: 'string' }, python: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    });
  } catch (err) {
    throw new CommandFailure(`${(err as Error).message}\n\n${HELP}`, 2);
  }
  const { values, positionals } = parsed;
  const action = positionals[0];
  if (values.help || action === undefined || action === 'help') {
    process.stdout.write(HELP);
    return;
  }
  if (action !== 'install' && action !== 'uninstall') throw new CommandFailure(`unknown jupyter command '${action}'\n\n${HELP}`, 2);
  const chosen = [values.user, values['sys-prefix'], values.dir !== undefined].filter(Boolean).length;
  if (chosen > 1) throw new CommandFailure('give only one of --user, --sys-prefix, --dir', 2);
  const dataDir = values.dir !== undefined ? resolve(values.dir) : values['sys-prefix'] ? sysPrefixDataDir(values.python ?? 'python3') : userDataDir();

  const meta = JSON.parse(await readFile(join(LABEXTENSION_DIR, 'package.json'), 'utf8').catch(() => {
    throw new CommandFailure(`the JupyterLab extension is not built (${LABEXTENSION_DIR} is missing): run \`npm run build\` in the lablog folder`, 1);
  })) as { name: string; version: string };
  const target = join(dataDir, 'labextensions', ...meta.name.split('/'));

  if (action === 'uninstall') {
    const present = await stat(target).then(
      () => true,
      () => false,
    );
    await rm(target, { recursive: true, force: true });
    // an empty scope folder (@lablog) is left out of JupyterLab's way
    await rm(join(target, '..'), { recursive: false }).catch(() => {});
    process.stdout.write(present ? `lablog: removed ${meta.name} from ${target}\nReload JupyterLab.\n` : `lablog: ${meta.name} was not installed in ${target}\n`);
    return;
  }
  await rm(target, { recursive: true, force: true });
  await cp(LABEXTENSION_DIR, target, { recursive: true });
  // the build ships the wheel's install.json (pip); installed this way, it is npm's lablog that put it there
  const installJson = { packageManager: 'npm', packageName: 'lablog', uninstallInstructions: 'Run `npx lablog jupyter uninstall` (with the same --user, --sys-prefix or --dir as the install)' };
  await writeFile(join(target, 'install.json'), `${JSON.stringify(installJson, null, 2)}\n`);
  process.stdout.write(
    `lablog: installed ${meta.name} ${meta.version} in ${target}\n` +
      `Reload JupyterLab; the run panel is in the right sidebar. Start the agent with \`npx lablog serve\`.\n` +
      (values.dir !== undefined ? `JupyterLab finds it when ${dataDir} is on JUPYTER_PATH.\n` : ''),
  );
}
