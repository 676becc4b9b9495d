#!/usr/bin/python3
"""Heartbeats of a fake 'Open vSwitch agent' per host, over neutron's RPC (oslo.messaging only).

GET /v2.0/agents then lists them alive, and ML2/openvswitch can bind ports on those hosts. Nothing
is plugged: it is a stand-in for the agents of real compute nodes.
usage: fake-neutron-agent.py --config-file /etc/neutron/neutron.conf --host compute1[,compute2]
"""
import argparse
import datetime
import logging
import time
import uuid

import oslo_messaging as messaging
from oslo_config import cfg

parser = argparse.ArgumentParser()
parser.add_argument('--config-file', default='/etc/neutron/neutron.conf')
parser.add_argument('--host', required=True, help='comma-separated host names')
parser.add_argument('--interval', type=int, default=30, help='seconds between reports (agent_down_time: 75)')
parser.add_argument('--log-file')
args = parser.parse_args()
logging.basicConfig(filename=args.log_file, level=logging.INFO,
                    format='%(asctime)s %(process)d %(levelname)s fake-neutron-agent %(message)s')
log = logging.getLogger()

conf = cfg.CONF  # oslo.messaging registers options on the global config; only transport_url matters
conf(['--config-file', args.config_file], project='neutron')
messaging.set_transport_defaults(control_exchange='neutron')
transport = messaging.get_rpc_transport(conf)
target = messaging.Target(topic='q-reports-plugin', version='1.2')
client = messaging.get_rpc_client(transport, target, timeout=5)
context = {'is_admin': True, 'roles': ['admin']}


def agent_state(host):
    return {
        'binary': 'neutron-openvswitch-agent', 'host': host, 'topic': 'q-agent-notifier',
        'agent_type': 'Open vSwitch agent', 'start_flag': True,
        'configurations': {
            'bridge_mappings': {'physnet1': 'br-ex'}, 'tunnel_types': ['vxlan'],
            'tunneling_ip': '127.0.0.1', 'integration_bridge': 'br-int', 'l2_population': False,
            'ovs_hybrid_plug': False, 'datapath_type': 'system',
            'ovs_capabilities': {'datapath_types': ['system'], 'iface_types': []}, 'devices': 0,
        },
    }


states = [agent_state(h) for h in args.host.split(',') if h]
while True:
    pause = args.interval
    for state in states:
        state['uuid'] = str(uuid.uuid4())
        try:
            client.call(context, 'report_state', agent_state={'agent_state': state},
                        time=datetime.datetime.utcnow().strftime('%Y-%m-%dT%H:%M:%S.%f'))
            if state.pop('start_flag', None):
                log.info('reported %s on %s', state['agent_type'], state['host'])
        except Exception as err:  # neutron-server not consuming RPC yet: retry soon
            log.warning('report for %s failed, retrying: %s', state['host'], err)
            pause = 2
    time.sleep(pause)
