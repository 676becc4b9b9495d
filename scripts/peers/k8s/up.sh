#!/usr/bin/env bash
# Starts a real Kubernetes control plane on 127.0.0.1 without a container runtime:
# etcd, kube-apiserver (TLS, RBAC), kube-controller-manager, kube-scheduler, and kwok running
# fake nodes (pods of Deployments/StatefulSets/DaemonSets become Running+Ready, Job pods complete).
# Then installs the Flux + Argo CD CRDs vendored in third_party/crds, applies
# deploy/rbac/backstage-openstack.yaml, onboards the peers' cloud namespaces with
# deploy/rbac/cloud-namespace.yaml and writes a long-lived token of that ServiceAccount.
# Idempotent: what runs is left alone. State: $BSO_PEERS_STATE/k8s.
set -euo pipefail
# shellcheck source=scripts/peers/lib.sh
. "$(dirname "$0")/../lib.sh"

K8S_VERSION="${BSO_K8S_VERSION:-v1.37.2}"
BIN="$BSO_CACHE/k8s/$K8S_VERSION/bin"
S="$BSO_PEERS_STATE/k8s"
PKI="$S/pki"
RUN="$S/run"
LOG="$S/log"
mkdir -p "$PKI" "$RUN" "$LOG" "$S/etcd"
chmod 700 "$S" "$PKI"

"$PEERS_DIR/k8s/build.sh"

# ---------------------------------------------------------------- PKI (once)
ossl() { openssl "$@" >>"$LOG/openssl.log" 2>&1; }
if [ ! -s "$PKI/ca.crt" ]; then
  ossl req -x509 -newkey rsa:2048 -nodes -keyout "$PKI/ca.key" -out "$PKI/ca.crt" -days 3650 \
    -subj "/CN=bso-peers-ca"
fi
# cert NAME SUBJECT [SAN]: key + certificate signed by the CA.
cert() {
  local name=$1 subj=$2 san=${3:-} ext="$PKI/$1.ext"
  [ -s "$PKI/$name.crt" ] && return 0
  ossl req -newkey rsa:2048 -nodes -keyout "$PKI/$name.key" -out "$PKI/$name.csr" -subj "$subj"
  {
    echo "basicConstraints=CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    if [ -n "$san" ]; then echo "extendedKeyUsage=serverAuth,clientAuth"; echo "subjectAltName=$san"
    else echo "extendedKeyUsage=clientAuth"; fi
  } >"$ext"
  ossl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
    -out "$PKI/$name.crt" -days 3650 -extfile "$ext"
  rm -f "$PKI/$name.csr" "$ext"
}
cert apiserver "/CN=kube-apiserver" \
  "IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
cert admin "/O=system:masters/CN=bso-admin"
cert controller-manager "/CN=system:kube-controller-manager"
cert scheduler "/CN=system:kube-scheduler"
cert kwok "/O=system:masters/CN=kwok"
[ -s "$PKI/sa.key" ] || { ossl genrsa -out "$PKI/sa.key" 2048; ossl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub"; }
chmod 600 "$PKI"/*.key

# ---------------------------------------------------------------- ports (kept while running)
PORTS="$S/ports.env"
keep_ports "$PORTS" "$RUN/kube-apiserver.pid" ETCD_PORT ETCD_PEER_PORT APISERVER_PORT CM_PORT SCHED_PORT KWOK_PORT
URL="https://127.0.0.1:$APISERVER_PORT"

# kubeconfig NAME: a kubeconfig for the client certificate NAME.
kubeconfig() {
  cat >"$S/$1.kubeconfig" <<K
apiVersion: v1
kind: Config
clusters:
- name: bso-peers
  cluster:
    server: $URL
    certificate-authority: $PKI/ca.crt
users:
- name: $1
  user:
    client-certificate: $PKI/$1.crt
    client-key: $PKI/$1.key
contexts:
- name: $1@bso-peers
  context: {cluster: bso-peers, user: $1}
current-context: $1@bso-peers
K
  chmod 600 "$S/$1.kubeconfig"
}
for u in admin controller-manager scheduler kwok; do kubeconfig "$u"; done

healthy() { # url path (with the admin certificate)
  curl -sf --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" "$1$2"
}

# ---------------------------------------------------------------- etcd
start etcd "$BIN/etcd" --name bso --data-dir "$S/etcd" \
  --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster "bso=http://127.0.0.1:$ETCD_PEER_PORT" --listen-metrics-urls "" \
  --quota-backend-bytes 2147483648 --log-level warn
await etcd 60 curl -sf "http://127.0.0.1:$ETCD_PORT/health"

# ---------------------------------------------------------------- kube-apiserver
start kube-apiserver "$BIN/kube-apiserver" \
  --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$APISERVER_PORT" \
  --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
  --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
  --client-ca-file="$PKI/ca.crt" \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
  --service-account-max-token-expiration=8760h \
  --service-cluster-ip-range=10.96.0.0/16 \
  --endpoint-reconciler-type=none \
  --authorization-mode=RBAC --allow-privileged=true --profiling=false \
  --enable-priority-and-fairness=false \
  --event-ttl=1h
await kube-apiserver 180 healthy "$URL" /readyz

# ---------------------------------------------------------------- controllers, scheduler, kwok
start kube-controller-manager "$BIN/kube-controller-manager" \
  --kubeconfig="$S/controller-manager.kubeconfig" \
  --authentication-kubeconfig="$S/controller-manager.kubeconfig" --authorization-kubeconfig="$S/controller-manager.kubeconfig" \
  --bind-address=127.0.0.1 --secure-port="$CM_PORT" --leader-elect=false \
  --service-account-private-key-file="$PKI/sa.key" --root-ca-file="$PKI/ca.crt" \
  --use-service-account-credentials=true --controllers='*,-nodeipam' \
  --profiling=false
start kube-scheduler "$BIN/kube-scheduler" \
  --kubeconfig="$S/scheduler.kubeconfig" \
  --authentication-kubeconfig="$S/scheduler.kubeconfig" --authorization-kubeconfig="$S/scheduler.kubeconfig" \
  --bind-address=127.0.0.1 --secure-port="$SCHED_PORT" --leader-elect=false --profiling=false

# kwok stages: node-initialize + lease heartbeat, pod ready / complete (Job pods) / delete,
# taken from the kwok module that build.sh compiled (kwok needs them passed in --config).
STAGES="$BSO_CACHE/k8s/$K8S_VERSION/kwok-stages.yaml"
start kwok "$BIN/kwok" --kubeconfig="$S/kwok.kubeconfig" --config="$STAGES" \
  --manage-all-nodes=false --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
  --node-lease-duration-seconds=40 --node-ip=127.0.0.1 --server-address="127.0.0.1:$KWOK_PORT" \
  --cidr=10.244.0.0/16

# ---------------------------------------------------------------- objects + token
. "$BSO_REPO/scripts/toolchain.sh" >/dev/null
KUBECONFIG="$S/admin.kubeconfig" NODE_EXTRA_CA_CERTS="$PKI/ca.crt" BSO_CRDS_DIR="$BSO_REPO/third_party/crds" \
  BSO_RBAC_MANIFEST="$BSO_REPO/deploy/rbac/backstage-openstack.yaml" \
  BSO_CLOUD_NAMESPACE_RBAC="$BSO_REPO/deploy/rbac/cloud-namespace.yaml" \
  BSO_TOKEN_FILE="$S/backstage-openstack.token" BSO_KWOK_NODES="${BSO_KWOK_NODES:-3}" \
  node "$PEERS_DIR/k8s/bootstrap.mjs"

for c in kube-controller-manager kube-scheduler kwok; do
  pid_alive "$RUN/$c.pid" || { echo "$c exited" >&2; tail -n 30 "$LOG/$c.log" >&2; exit 1; }
done

cat >"$S/k8s.env" <<E
KUBECONFIG=$S/admin.kubeconfig
BSO_K8S_URL=$URL
BSO_K8S_CA_FILE=$PKI/ca.crt
BSO_K8S_SA_TOKEN_FILE=$S/backstage-openstack.token
E
echo "kubernetes $K8S_VERSION up at $URL"
