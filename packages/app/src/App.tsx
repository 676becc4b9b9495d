import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import { navModule } from './modules/nav';
import { signInModule } from './modules/signIn';

/**
 * The portal (new frontend system). Plugins listed in package.json are discovered
 * (`app.packages: all`): catalog, scaffolder, kubernetes, notifications, the OpenStack plugin.
 */
export default createApp({
  features: [catalogPlugin, navModule, signInModule],
});
