// The rollout ledger is domain: it lives in the control plane, with its stores.
export { InMemoryRolloutStore } from '@tenant-waves/control-plane';
export type { ApprovalDecision, RolloutRecord, RolloutStore } from '@tenant-waves/control-plane';
