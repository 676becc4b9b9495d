export * from './approvalPlan';
