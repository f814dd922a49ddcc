export { watchLocalRefs, type RefChange, type RefWatcher, type WatchLocalRefsOptions } from "./local-refs.ts";
export { pollRemote, fingerprintOf, type PollRemoteOptions } from "./remote-poll.ts";
export { localRemoteGitDir, localRemotePath } from "./local-remote-path.ts";
