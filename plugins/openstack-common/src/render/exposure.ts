// How a cloud's public APIs are reached: an Ingress or a Gateway API HTTPRoute per endpoint,
// whatever the delivery.
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { chartInfo } from '../charts/charts';
import type { ChartName } from '../charts/images';
import { CloudSpec, cloudNamespace } from '../spec/cloudSpec';
import { labels, plain, RenderEntry } from './objects';

type Endpoint = ReturnType<typeof chartInfo>['publicEndpoints'][number];

function ingress(
  spec: CloudSpec,
  chart: ChartName,
  e: Endpoint,
  dir: string,
): RenderEntry {
  const host = `${e.host}.${spec.publicDomain}`;
  const name = `${spec.name}-${e.host}`;
  return [
    `${dir}/${e.host}-ingress.yaml`,
    plain(
      new Ingress({
        metadata: {
          name,
          namespace: cloudNamespace(spec),
          labels: labels(spec, { 'openstack.backstage.io/chart': chart }),
          ...(spec.tlsIssuer
            ? {
                annotations: {
                  'cert-manager.io/cluster-issuer': spec.tlsIssuer,
                },
              }
            : {}),
        },
        spec: {
          ...(spec.ingressClassName
            ? { ingressClassName: spec.ingressClassName }
            : {}),
          rules: [
            {
              host,
              http: {
                paths: [
                  {
                    path: '/',
                    pathType: 'Prefix',
                    backend: {
                      service: { name: e.service, port: { number: e.port } },
                    },
                  },
                ],
              },
            },
          ],
          ...(spec.tlsIssuer
            ? { tls: [{ hosts: [host], secretName: `${name}-tls` }] }
            : {}),
        },
      }),
    ),
  ];
}

/**
 * Gateway API has no typed model in the suite's dependencies; the object is plain
 * gateway.networking.k8s.io/v1 and the Gateway's listener terminates TLS.
 */
function httpRoute(
  spec: CloudSpec,
  chart: ChartName,
  e: Endpoint,
  dir: string,
): RenderEntry {
  return [
    `${dir}/${e.host}-httproute.yaml`,
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: {
        name: `${spec.name}-${e.host}`,
        namespace: cloudNamespace(spec),
        labels: labels(spec, { 'openstack.backstage.io/chart': chart }),
      },
      spec: {
        parentRefs: [
          {
            name: spec.gateway!.name,
            ...(spec.gateway!.namespace
              ? { namespace: spec.gateway!.namespace }
              : {}),
          },
        ],
        hostnames: [`${e.host}.${spec.publicDomain}`],
        rules: [{ backendRefs: [{ name: e.service, port: e.port }] }],
      },
    },
  ];
}

/** An Ingress (or Gateway API HTTPRoute) per public API of the cloud's charts. */
export function exposureObjects(
  spec: CloudSpec,
  charts: ChartName[],
  dir: string,
): RenderEntry[] {
  const expose = spec.exposure === 'ingress' ? ingress : httpRoute;
  return charts.flatMap(chart =>
    chartInfo(chart).publicEndpoints.map(e => expose(spec, chart, e, dir)),
  );
}
