import { InfoCard, ProxiedSignInPage, SignInPage } from '@backstage/core-components';
import { SignInPageProps } from '@backstage/plugin-app-react';
import { configApiRef, useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import { useState } from 'react';

const KEY = 'backstage-openstack.demo-user';
const HEADER = 'x-backstage-demo-user';

/**
 * Development sign-in: the guest, or one of the example users (so a requester and an approver
 * can try the approvals). Shows only what app-config enables.
 */
export const DevSignInPage = (props: SignInPageProps) => {
  const config = useApi(configApiRef);
  const users = config.getOptionalStringArray('auth.providers.demo-users.users') ?? [];
  const [user, setUser] = useState<string | null>(() => window.localStorage.getItem(KEY));
  if (user) {
    return (
      <ProxiedSignInPage
        {...props}
        provider="demo-users"
        headers={{ [HEADER]: user }}
        ErrorComponent={() => {
          window.localStorage.removeItem(KEY);
          return null;
        }}
      />
    );
  }
  return (
    <>
      <SignInPage {...props} providers={['guest']} title="OpenStack on Kubernetes" align="left" />
      {users.length > 0 && (
        <Box position="absolute" top={110} left={440} width={380}>
          <InfoCard title="Example users" subheader="Development only: try requests and approvals as different people">
            {users.map(u => (
              <Box key={u} mb={1}>
                <Button
                  variant="outlined"
                  fullWidth
                  onClick={() => {
                    window.localStorage.setItem(KEY, u);
                    setUser(u);
                  }}
                >
                  Sign in as {u}
                </Button>
              </Box>
            ))}
          </InfoCard>
        </Box>
      )}
    </>
  );
};
