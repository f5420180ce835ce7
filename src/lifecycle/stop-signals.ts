/**
 * The container stop signals the API server accepts in `lifecycle.stopSignal`, per pod OS
 * (`supportedStopSignalsLinux` / `supportedStopSignalsWindows`, pkg/apis/core/validation, KEP-4960).
 */
const REALTIME = [
  'SIGRTMIN',
  ...Array.from({ length: 15 }, (_, i) => `SIGRTMIN+${i + 1}`),
  ...Array.from({ length: 14 }, (_, i) => `SIGRTMAX-${14 - i}`),
  'SIGRTMAX',
];

export const LINUX_STOP_SIGNALS: ReadonlySet<string> = new Set([
  'SIGABRT', 'SIGALRM', 'SIGBUS', 'SIGCHLD', 'SIGCLD', 'SIGCONT', 'SIGFPE', 'SIGHUP', 'SIGILL', 'SIGINT',
  'SIGIO', 'SIGIOT', 'SIGKILL', 'SIGPIPE', 'SIGPOLL', 'SIGPROF', 'SIGPWR', 'SIGQUIT', 'SIGSEGV', 'SIGSTKFLT',
  'SIGSTOP', 'SIGSYS', 'SIGTERM', 'SIGTRAP', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU', 'SIGURG', 'SIGUSR1', 'SIGUSR2',
  'SIGVTALRM', 'SIGWINCH', 'SIGXCPU', 'SIGXFSZ', ...REALTIME,
]);

export const WINDOWS_STOP_SIGNALS: ReadonlySet<string> = new Set(['SIGKILL', 'SIGTERM']);
