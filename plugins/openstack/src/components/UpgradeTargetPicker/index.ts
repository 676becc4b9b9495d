export { UpgradeTargetPicker } from './UpgradeTargetPicker';
