export { FleetPage, FleetTable } from './FleetPage';
