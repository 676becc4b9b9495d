export * from './controlPlane';
export * from './liveCloudView';
