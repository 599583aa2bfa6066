// The browser the test drives: Debian's chromium (or another system Chrome), never a downloaded one.
import { accessSync, constants } from 'node:fs';

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

/** Path of the first executable system browser, or null (the caller skips and says why). */
export function findSystemBrowser(): string | null {
  for (const path of CANDIDATES) {
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not installed here; try the next
    }
  }
  return null;
}

export const NO_BROWSER_MESSAGE =
  `playground browser test skipped: no system Chromium found (looked for ${CANDIDATES.join(', ')}); ` +
  'install it with `apt-get install chromium` (.ci/run does).';

/**
 * Headless flags: software WebGL through SwiftShader (so the WebGL path exists without a GPU), and
 * nothing that talks to the network or writes outside the temporary profile.
 */
export function launchArguments(profileDir: string): string[] {
  return [
    '--headless=new',
    '--no-sandbox',
    '--use-angle=swiftshader',
    '--enable-unsafe-swiftshader',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-default-apps',
    '--disable-sync',
    '--no-first-run',
    '--no-default-browser-check',
    '--mute-audio',
    `--user-data-dir=${profileDir}`,
  ];
}
