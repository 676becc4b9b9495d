#!/usr/bin/python3
"""Keystone content for the test peers, idempotent, stdlib only.

service project; 'service' role; one user per service (admin + service roles on the service
project, password = SERVICE_PASS, reset when it drifted); catalog entries (public, internal, admin
all on 127.0.0.1); and the portal's application credential 'backstage-openstack' of the admin user
on the admin project. The credential is kept while it authenticates, else replaced:
APPCRED_FILE (json: id, user_id, project_id) and APPCRED_FILE's sibling appcred.secret, both 0600.
Prints no secret.
env: KEYSTONE, ADMIN_PASS, SERVICE_PASS, REGION, APPCRED_FILE
"""
import json
import os
import time
import urllib.error
import urllib.request

KS = os.environ['KEYSTONE'].rstrip('/')
REGION = os.environ.get('REGION', 'RegionOne')
ADMIN_PASS = os.environ['ADMIN_PASS']
SERVICE_PASS = os.environ['SERVICE_PASS']
APPCRED_FILE = os.environ['APPCRED_FILE']
SECRET_FILE = os.path.join(os.path.dirname(APPCRED_FILE), 'appcred.secret')
APPCRED_NAME = 'backstage-openstack'

# name, type, endpoint URL, service user
SERVICES = [
    ('placement', 'placement', 'http://127.0.0.1:8778', 'placement'),
    ('nova', 'compute', 'http://127.0.0.1:8774/v2.1', 'nova'),
    ('neutron', 'network', 'http://127.0.0.1:9696', 'neutron'),
    ('cinderv3', 'volumev3', 'http://127.0.0.1:8776/v3/%(project_id)s', 'cinder'),
    ('glance', 'image', 'http://127.0.0.1:9292', 'glance'),
]


def call(method, path, body=None, token=None):
    """-> (status, headers, json body or None); HTTP errors are returned, not raised."""
    req = urllib.request.Request(KS + path, method=method,
                                 data=None if body is None else json.dumps(body).encode())
    req.add_header('Content-Type', 'application/json')
    if token:
        req.add_header('X-Auth-Token', token)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            data = resp.read()
            return resp.status, resp.headers, json.loads(data) if data else None
    except urllib.error.HTTPError as err:
        err.read()
        return err.code, err.headers, None


def must(method, path, body=None, token=None):
    status, headers, data = call(method, path, body, token)
    if status >= 300:
        raise SystemExit('keystone-seed: %s %s -> HTTP %s' % (method, path.split('?')[0], status))
    return headers, data


def password_auth(user, password, project=None):
    auth = {'identity': {'methods': ['password'], 'password': {'user': {
        'name': user, 'domain': {'id': 'default'}, 'password': password}}}}
    if project:
        auth['scope'] = {'project': {'name': project, 'domain': {'id': 'default'}}}
    return call('POST', '/auth/tokens', {'auth': auth})


status, headers, body = password_auth('admin', ADMIN_PASS, 'admin')
if status != 201:
    raise SystemExit('keystone-seed: admin authentication failed (HTTP %s)' % status)
T = headers['X-Subject-Token']
admin_user = body['token']['user']['id']
admin_project = body['token']['project']['id']


def find(collection, **query):
    qs = '&'.join('%s=%s' % kv for kv in query.items())
    return must('GET', '/%s?%s' % (collection, qs), token=T)[1][collection]


def ensure(collection, key, obj, **query):
    found = find(collection, **query)
    if found:
        return found[0]['id']
    return must('POST', '/' + collection, {key: obj}, token=T)[1][key]['id']


service_project = ensure('projects', 'project', {'name': 'service', 'domain_id': 'default',
                                                 'description': 'service users'}, name='service')
admin_role = find('roles', name='admin')[0]['id']
# since OSSA-2023-003 cinder checks that nova's X-Service-Token carries the 'service' role
service_role = ensure('roles', 'role', {'name': 'service'}, name='service')
changed = False
for name, stype, url, user in SERVICES:
    uid = ensure('users', 'user', {'name': user, 'domain_id': 'default', 'password': SERVICE_PASS}, name=user)
    if password_auth(user, SERVICE_PASS)[0] != 201:  # password from an earlier secrets.env
        must('PATCH', '/users/%s' % uid, {'user': {'password': SERVICE_PASS}}, token=T)
        changed = True
    for rid in (admin_role, service_role):
        must('PUT', '/projects/%s/users/%s/roles/%s' % (service_project, uid, rid), token=T)
    sid = ensure('services', 'service', {'name': name, 'type': stype}, type=stype)
    present = {e['interface']: e for e in find('endpoints', service_id=sid)}
    for iface in ('public', 'internal', 'admin'):
        if iface not in present:
            must('POST', '/endpoints', {'endpoint': {'service_id': sid, 'interface': iface,
                                                     'url': url, 'region_id': REGION}}, token=T)
        elif present[iface]['url'] != url:
            must('PATCH', '/endpoints/%s' % present[iface]['id'], {'endpoint': {'url': url}}, token=T)


def appcred_works():
    try:
        with open(APPCRED_FILE) as f:
            ac = json.load(f)
        with open(SECRET_FILE) as f:
            secret = f.read().strip()
    except (OSError, ValueError):
        return False
    status = call('POST', '/auth/tokens', {'auth': {'identity': {
        'methods': ['application_credential'],
        'application_credential': {'id': ac['id'], 'secret': secret}}}})[0]
    return status == 201


def write_private(path, text):
    tmp = path + '.tmp'
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, 'w') as f:
        f.write(text)
    os.replace(tmp, path)


if appcred_works():
    print('keystone-seed: catalog ok, application credential kept')
else:
    for ac in must('GET', '/users/%s/application_credentials?name=%s' % (admin_user, APPCRED_NAME), token=T)[1][
            'application_credentials']:
        must('DELETE', '/users/%s/application_credentials/%s' % (admin_user, ac['id']), token=T)
    ac = must('POST', '/users/%s/application_credentials' % admin_user, {'application_credential': {
        'name': APPCRED_NAME, 'description': 'backstage-openstack portal backend (test peers)'}},
        token=T)[1]['application_credential']
    write_private(SECRET_FILE, ac['secret'] + '\n')
    write_private(APPCRED_FILE, json.dumps({'id': ac['id'], 'name': APPCRED_NAME, 'user_id': admin_user,
                                            'project_id': admin_project, 'auth_url': KS}, indent=1) + '\n')
    # a token issued in the same second as the deletion's revocation event would be refused
    time.sleep(1)
    print('keystone-seed: catalog ok, application credential created')
if changed:
    time.sleep(1)
