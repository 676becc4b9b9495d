// The common package reads no configuration of its own.
export interface Config {}
