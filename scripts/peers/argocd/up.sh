#!/usr/bin/env bash
# Starts the Argo CD peer on 127.0.0.1: Debian's redis-server (Argo CD's cache), a Git server
# (Debian's `git daemon`, bare repositories under $S/git, push enabled), a Helm repository of the
# vendored openstack-helm charts (`helm package` + `helm repo index` of third_party/openstack-helm,
# served by python3's http.server, so no chart comes from the internet), and Argo CD v2's
# argocd-repo-server and argocd-application-controller (argocd/build.sh) against the Kubernetes
# peer: namespace `argocd`, their own client certificate (bound to cluster-admin, as Argo CD's
# in-cluster install is), the config maps argocd-cm / argocd-rbac-cm and the Secret argocd-secret.
# No argocd-server, dex, notifications or ApplicationSet controller: Applications are Kubernetes
# objects the tests write. Waits for the Kubernetes peer (started beside it by ../up.sh).
# Idempotent: what runs is left alone. State: $BSO_PEERS_STATE/argocd.
set -euo pipefail
# shellcheck source=scripts/peers/lib.sh
. "$(dirname "$0")/../lib.sh"

S="$BSO_PEERS_STATE/argocd"
RUN="$S/run"
LOG="$S/log"
K8S="$BSO_PEERS_STATE/k8s"
PKI="$K8S/pki"
mkdir -p "$RUN" "$LOG" "$S/git" "$S/bin" "$S/home"
chmod 700 "$S"
touch "$S/.starting" # the Kubernetes peer's k8s.env must be newer (written by this up.sh run)

"$PEERS_DIR/argocd/build.sh"
"$PEERS_DIR/helm/build.sh" >/dev/null
# the single binary dispatches on its name
for c in argocd-repo-server argocd-application-controller; do ln -sfn "$BSO_ARGOCD" "$S/bin/$c"; done
# the repo server runs `helm` and `git` from PATH
ln -sfn "$BSO_HELM" "$S/bin/helm"

# ---------------------------------------------------------------- ports (kept while running)
PORTS="$S/ports.env"
keep_ports "$PORTS" "$RUN/redis.pid" REDIS_PORT GIT_PORT HELM_REPO_PORT REPO_SERVER_PORT REPO_SERVER_METRICS_PORT CONTROLLER_METRICS_PORT

port_open() { "$SYS_PY" -c "import socket,sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), 1)" "$1"; }

# ---------------------------------------------------------------- redis, git, helm repository
start redis /usr/bin/redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no \
  --protected-mode yes --maxmemory 256mb --maxmemory-policy allkeys-lru
start git-daemon /usr/bin/git daemon --reuseaddr --listen=127.0.0.1 --port="$GIT_PORT" \
  --base-path="$S/git" --export-all --enable=receive-pack "$S/git"

# The Helm repository: rebuilt when the vendored charts change (their content hash).
CHARTS="$BSO_REPO/third_party/openstack-helm"
REPO="$S/helm-repo"
hash="$(cd "$CHARTS" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)"
if [ "$(cat "$REPO/.source-hash" 2>/dev/null)" != "$hash" ]; then
  t0=$SECONDS
  work="$S/helm-work"
  rm -rf "$work" "$REPO.new"
  mkdir -p "$work" "$REPO.new"
  cp -r "$CHARTS"/. "$work/"
  export HELM_CACHE_HOME="$work/.helm/cache" HELM_CONFIG_HOME="$work/.helm/config" HELM_DATA_HOME="$work/.helm/data"
  for chart in "$work"/*/; do
    [ -f "$chart/Chart.yaml" ] || continue
    # file://../helm-toolkit dependencies are packaged into each chart, offline
    "$BSO_HELM" package --dependency-update -d "$REPO.new" "$chart" >>"$LOG/helm-repo.log" 2>&1
  done
  "$BSO_HELM" repo index "$REPO.new" >>"$LOG/helm-repo.log" 2>&1 # relative URLs: any port serves it
  echo "$hash" >"$REPO.new/.source-hash"
  rm -rf "$REPO" "$work"
  mv "$REPO.new" "$REPO"
  echo "argocd: helm repository of $(ls "$REPO"/*.tgz | wc -l) vendored charts built in $((SECONDS - t0))s"
fi
start helm-repo "$SYS_PY" -m http.server --bind 127.0.0.1 --directory "$REPO" "$HELM_REPO_PORT"

# ---------------------------------------------------------------- repo server
export HOME="$S/home" # git and helm configs/caches of the Argo CD processes
start repo-server env PATH="$S/bin:/usr/bin:/bin" ARGOCD_GPG_ENABLED=false \
  ARGOCD_EXEC_TIMEOUT=180s TMPDIR="$S/home" \
  "$S/bin/argocd-repo-server" --port "$REPO_SERVER_PORT" --metrics-port "$REPO_SERVER_METRICS_PORT" \
  --address 127.0.0.1 --redis "127.0.0.1:$REDIS_PORT" --disable-tls --loglevel info
await redis 30 port_open "$REDIS_PORT"
await git-daemon 30 port_open "$GIT_PORT"
await helm-repo 30 curl -sf "http://127.0.0.1:$HELM_REPO_PORT/index.yaml"
await repo-server 120 port_open "$REPO_SERVER_PORT"

# ---------------------------------------------------------------- Kubernetes side
# wait for the Kubernetes peer (../up.sh starts it beside this one) with Argo CD's CRDs
wait_for 900 "the Kubernetes peer (k8s.env)" test "$K8S/k8s.env" -nt "$S/.starting"
# shellcheck disable=SC1091
URL="$(awk -F= '$1 == "BSO_K8S_URL" {print $2}' "$K8S/k8s.env")"
admin() { curl -sf --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" "$@"; }
wait_for 600 "Argo CD's CRDs on $URL" admin "$URL/apis/argoproj.io/v1alpha1"
# apply PATH JSON: server-side apply as field manager bso-peers
apply() {
  admin -o /dev/null -X PATCH -H 'Content-Type: application/apply-patch+yaml' \
    "$URL$1?fieldManager=bso-peers&force=true" --data-binary "$2"
}
# the controller's own identity: a client certificate from the peer CA, bound to cluster-admin
if [ ! -s "$S/controller.crt" ]; then
  openssl req -newkey rsa:2048 -nodes -keyout "$S/controller.key" -out "$S/controller.csr" \
    -subj "/CN=argocd-application-controller" >>"$LOG/openssl.log" 2>&1
  printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n' >"$S/controller.ext"
  openssl x509 -req -in "$S/controller.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
    -out "$S/controller.crt" -days 3650 -extfile "$S/controller.ext" >>"$LOG/openssl.log" 2>&1
  rm -f "$S/controller.csr" "$S/controller.ext"
  chmod 600 "$S/controller.key"
fi
cat >"$S/controller.kubeconfig" <<K
apiVersion: v1
kind: Config
clusters:
- name: bso-peers
  cluster:
    server: $URL
    certificate-authority: $PKI/ca.crt
users:
- name: argocd-application-controller
  user:
    client-certificate: $S/controller.crt
    client-key: $S/controller.key
contexts:
- name: argocd@bso-peers
  context: {cluster: bso-peers, user: argocd-application-controller, namespace: argocd}
current-context: argocd@bso-peers
K
chmod 600 "$S/controller.kubeconfig"
apply /api/v1/namespaces/argocd '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"argocd"}}'
apply /apis/rbac.authorization.k8s.io/v1/clusterrolebindings/bso-peers-argocd-application-controller \
  '{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"bso-peers-argocd-application-controller"},
    "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"cluster-admin"},
    "subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"User","name":"argocd-application-controller"}]}'
LABELS='"labels":{"app.kubernetes.io/part-of":"argocd"}'
# argocd-cm: the minimum; resource tracking by annotation (the charts' own labels stay theirs), no
# watch on the kinds no Application deploys, and the health of an Application from its status:
# Argo CD dropped that check in 1.8, and without it an app-of-apps' sync waves order nothing
apply /api/v1/namespaces/argocd/configmaps/argocd-cm "$(cat <<'Y'
apiVersion: v1
kind: ConfigMap
metadata:
  name: argocd-cm
  namespace: argocd
  labels: {app.kubernetes.io/part-of: argocd}
data:
  application.resourceTrackingMethod: annotation
  timeout.reconciliation: 30s
  resource.exclusions: |
    - apiGroups: ["", events.k8s.io]
      kinds: [Event]
      clusters: ['*']
    - apiGroups: [coordination.k8s.io]
      kinds: [Lease]
      clusters: ['*']
    - apiGroups: [discovery.k8s.io]
      kinds: [EndpointSlice]
      clusters: ['*']
  resource.customizations.health.argoproj.io_Application: |
    hs = {}
    hs.status = "Progressing"
    hs.message = ""
    if obj.status ~= nil and obj.status.health ~= nil then
      hs.status = obj.status.health.status
      if obj.status.health.message ~= nil then
        hs.message = obj.status.health.message
      end
    end
    return hs
Y
)"
apply /api/v1/namespaces/argocd/configmaps/argocd-rbac-cm "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",
  \"metadata\":{\"name\":\"argocd-rbac-cm\",\"namespace\":\"argocd\",$LABELS},\"data\":{\"policy.default\":\"\"}}"
# argocd-secret: a random server.secretkey once (Argo CD signs with it; no API server runs)
if ! admin -o /dev/null "$URL/api/v1/namespaces/argocd/secrets/argocd-secret"; then
  key="$(openssl rand -base64 32 | tr -d '\n' | base64 -w0)"
  apply /api/v1/namespaces/argocd/secrets/argocd-secret "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",
    \"metadata\":{\"name\":\"argocd-secret\",\"namespace\":\"argocd\",$LABELS},\"type\":\"Opaque\",
    \"data\":{\"server.secretkey\":\"$key\"}}"
fi
# the default AppProject, as an Argo CD install has it
apply /apis/argoproj.io/v1alpha1/namespaces/argocd/appprojects/default '{"apiVersion":"argoproj.io/v1alpha1","kind":"AppProject",
  "metadata":{"name":"default","namespace":"argocd"},
  "spec":{"sourceRepos":["*"],"destinations":[{"server":"*","namespace":"*"}],
    "clusterResourceWhitelist":[{"group":"*","kind":"*"}]}}'

# ---------------------------------------------------------------- application controller
# ARGOCD_FAKE_IN_CLUSTER: the in-cluster destination (https://kubernetes.default.svc) is the
# cluster of KUBECONFIG, since the controller does not run in a pod
start application-controller env PATH="$S/bin:/usr/bin:/bin" ARGOCD_FAKE_IN_CLUSTER=true \
  KUBECONFIG="$S/controller.kubeconfig" TMPDIR="$S/home" \
  "$S/bin/argocd-application-controller" --kubeconfig "$S/controller.kubeconfig" --namespace argocd \
  --repo-server "127.0.0.1:$REPO_SERVER_PORT" --repo-server-plaintext --redis "127.0.0.1:$REDIS_PORT" \
  --metrics-port "$CONTROLLER_METRICS_PORT" --app-resync 30 --status-processors 4 --operation-processors 4 \
  --loglevel info
await application-controller 120 curl -sf "http://127.0.0.1:$CONTROLLER_METRICS_PORT/metrics"

cat >"$S/argocd.env" <<E
BSO_ARGOCD_NAMESPACE=argocd
BSO_ARGOCD_GIT_ROOT=$S/git
BSO_ARGOCD_GIT_URL=git://127.0.0.1:$GIT_PORT
BSO_ARGOCD_HELM_REPO_URL=http://127.0.0.1:$HELM_REPO_PORT
E
echo "argocd $BSO_ARGOCD_VERSION up: repo server 127.0.0.1:$REPO_SERVER_PORT, git://127.0.0.1:$GIT_PORT, helm repository http://127.0.0.1:$HELM_REPO_PORT"
