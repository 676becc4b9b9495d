export interface Config {
  auth?: {
    providers?: {
      /** Development sign-in as example users (packages/backend/src/demoUsersAuth.ts). */
      'demo-users'?: {
        /**
         * Names of example User entities one may sign in as.
         * @visibility frontend
         */
        users?: string[];
      };
    };
  };
}
