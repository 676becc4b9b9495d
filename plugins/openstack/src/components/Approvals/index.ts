export { ApprovalsPage, ApprovalsList, ApprovalView, PendingApprovalsCard } from './ApprovalsPage';
