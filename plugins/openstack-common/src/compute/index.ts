export * from './enroll';
