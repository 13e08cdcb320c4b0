/**
 * The environment a child process gets: only what it needs to run, never the user's whole
 * environment. pip expands `${VAR}` in requirement files (an `--extra-index-url
 * http://host/${AWS_SECRET_ACCESS_KEY}/simple` line, in the user's file or in a remote one it
 * includes, would send the secret to that host and print it in pip's log), and build backends,
 * interpreters and npm have no use for credentials either.
 *
 * Kept: the search path and home, temp folders, locale, proxy and certificate settings, pip's
 * own configuration (PIP_*: a requirements file may name `${PIP_...}` variables, which is how a
 * user passes an index token on purpose), npm's configuration, the variables a Python or a
 * pyenv shim needs to start, and what Windows programs need. Everything the tool sets itself
 * (PYTHONHASHSEED, SOURCE_DATE_EPOCH, ...) is on the list or set after filtering.
 *
 * Serverless deploy and `invoke` run the user's own configuration and code, which may read any
 * variable (`${env:NAME}` in serverless.yml, os.environ in a handler): they get the user's
 * environment (runProcess's `environment: 'user'`).
 */

/** Names kept as they are (compared in upper case: Windows variable names ignore case). */
const NAMES = new Set([
  // Where programs are and whose they are.
  'PATH',
  'PATHEXT',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  // Temporary folders (Python's tempfile reads all three).
  'TMPDIR',
  'TMP',
  'TEMP',
  // Locale and terminal.
  'LANG',
  'LANGUAGE',
  'TZ',
  'TERM',
  'NO_COLOR',
  'FORCE_COLOR',
  // Proxies and certificates (requests, urllib, pip, npm, Node).
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'ALL_PROXY',
  'NO_PROXY',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'REQUESTS_CA_BUNDLE',
  'CURL_CA_BUNDLE',
  'NODE_EXTRA_CA_CERTS',
  // pip's credentials file and its configuration and cache folders.
  'NETRC',
  'XDG_CONFIG_HOME',
  'XDG_CONFIG_DIRS',
  'XDG_CACHE_HOME',
  'XDG_DATA_HOME',
  'VIRTUAL_ENV',
  // An interpreter built with a shared libpython outside the default paths; a pyenv shim.
  'LD_LIBRARY_PATH',
  'DYLD_LIBRARY_PATH',
  // Python settings the tool sets (or honours) for the interpreters it runs.
  'PYTHONUNBUFFERED',
  'PYTHONHASHSEED',
  'PYTHONIOENCODING',
  'PYTHONUTF8',
  'PYTHONDONTWRITEBYTECODE',
  'SOURCE_DATE_EPOCH',
  // Windows: programs fail to start or find their folders without these.
  'SYSTEMROOT',
  'SYSTEMDRIVE',
  'WINDIR',
  'COMSPEC',
  'APPDATA',
  'LOCALAPPDATA',
  'USERPROFILE',
  'HOMEDRIVE',
  'HOMEPATH',
  'PROGRAMDATA',
  'PROGRAMFILES',
  'PROGRAMFILES(X86)',
  'COMMONPROGRAMFILES',
  'NUMBER_OF_PROCESSORS',
  'PROCESSOR_ARCHITECTURE',
]);

/** Prefixes kept: pip's and npm's configuration, locale categories, pyenv's and uv's python. */
const PREFIXES = ['PIP_', 'NPM_CONFIG_', 'LC_', 'PYENV'];

/** Whether a variable of the user's environment reaches the tool's child processes. */
export function isToolVariable(name: string): boolean {
  const upper = name.toUpperCase();
  return NAMES.has(upper) || PREFIXES.some((prefix) => upper.startsWith(prefix));
}

/** `env` without what no child process of the tool needs (see the module comment). */
export function toolEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const kept: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && isToolVariable(name)) kept[name] = value;
  }
  return kept;
}
