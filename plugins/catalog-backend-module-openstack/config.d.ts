import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  catalog?: {
    providers?: {
      /** The suite's entity provider (@backstage-openstack/plugin-catalog-backend-module-openstack). */
      openstack?: {
        /**
         * How often the provider reads every entity the suite keeps and hands the catalog the full
         * set (default every 30 seconds, timeout 1 minute). A change made on this backend reaches
         * the catalog at once besides; one made on another replica by the next read.
         */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      };
    };
  };
}
