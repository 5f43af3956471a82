#!/usr/bin/python3
"""End-to-end check of an SMB server with impacket's SMBConnection (python3-impacket 0.10, tests/setup).

For each dialect (2.0.2, 2.1, 3.0 by default; impacket's 3.1.1 is broken client side): login, listShares
(srvsvc NetrShareEnum over IPC$), srvsvc NetrShareGetInfo/NetrServerGetInfo, putFile/getFile round trip
checked with SHA-256, createDirectory/listPath/rename/deleteFile/deleteDirectory. Prints one line per step;
exits non-zero at the first failure (traceback on stderr).

usage: impacket_check.py --port P --user U --password PW [--host H] [--share S] [--bytes N] [--dialects 2.0.2,2.1,3.0]
"""
import argparse
import hashlib
import io
import os
import sys

from impacket.dcerpc.v5 import srvs, transport
from impacket.smb3structs import SMB2_DIALECT_002, SMB2_DIALECT_21, SMB2_DIALECT_30
from impacket.smbconnection import SMBConnection, SessionError

DIALECTS = {'2.0.2': SMB2_DIALECT_002, '2.1': SMB2_DIALECT_21, '3.0': SMB2_DIALECT_30}


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def srvsvc_calls(conn, share):
    """NetrShareGetInfo and NetrServerGetInfo over the connection's own IPC$."""
    rpc = transport.SMBTransport(conn.getRemoteHost(), filename=r'\srvsvc', smb_connection=conn)
    dce = rpc.get_dce_rpc()
    dce.connect()
    dce.bind(srvs.MSRPC_UUID_SRVS)
    info = srvs.hNetrShareGetInfo(dce, share + '\x00', 2)['InfoStruct']['ShareInfo2']
    check(info['shi2_netname'][:-1] == share, 'NetrShareGetInfo level 2 names %r' % info['shi2_netname'])
    check(info['shi2_type'] == 0, 'share type %#x' % info['shi2_type'])
    ipc = srvs.hNetrShareGetInfo(dce, 'IPC$\x00', 1)['InfoStruct']['ShareInfo1']
    check(ipc['shi1_type'] == 0x80000003, 'IPC$ type %#x' % ipc['shi1_type'])
    try:
        srvs.hNetrShareGetInfo(dce, 'no-such-share\x00', 1)
        raise AssertionError('NetrShareGetInfo of an unknown share succeeded')
    except srvs.DCERPCSessionError as e:
        check(e.get_error_code() == 2310, 'unknown share: error %r' % e.get_error_code())
    server = srvs.hNetrServerGetInfo(dce, 101)['InfoStruct']['ServerInfo101']
    check(server['sv101_platform_id'] == 500, 'platform %r' % server['sv101_platform_id'])
    enum = srvs.hNetrShareEnum(dce, 2)['InfoStruct']['ShareInfo']['Level2']['Buffer']
    check(any(e['shi2_netname'][:-1] == share for e in enum), 'NetrShareEnum level 2 lacks ' + share)
    dce.disconnect()


def run(host, port, user, password, share, size, dialect):
    conn = SMBConnection(host, host, sess_port=port, preferredDialect=DIALECTS[dialect], timeout=60)
    conn.login(user, password)
    check(conn.getDialect() == DIALECTS[dialect], 'negotiated %#x' % conn.getDialect())
    print('%s: login' % dialect)

    names = [s['shi1_netname'][:-1] for s in conn.listShares()]
    check(share in names and 'IPC$' in names, 'listShares: %r' % names)
    print('%s: listShares %s' % (dialect, names))
    srvsvc_calls(conn, share)
    print('%s: srvsvc NetrShareGetInfo/NetrServerGetInfo/NetrShareEnum' % dialect)

    top = 'impacket-' + dialect
    conn.createDirectory(share, top)
    data = os.urandom(size)
    conn.putFile(share, top + '\\a.bin', io.BytesIO(data).read)
    got = io.BytesIO()
    conn.getFile(share, top + '\\a.bin', got.write)
    check(hashlib.sha256(got.getvalue()).digest() == hashlib.sha256(data).digest(),
          'getFile returned %d bytes, sha256 differs' % len(got.getvalue()))
    print('%s: putFile/getFile %d bytes, sha256 equal' % (dialect, size))

    conn.rename(share, top + '\\a.bin', top + '\\b.bin')
    conn.createDirectory(share, top + '\\sub')
    listed = sorted(f.get_longname() for f in conn.listPath(share, top + '\\*'))
    check(listed == ['.', '..', 'b.bin', 'sub'], 'listPath: %r' % listed)
    sizes = {f.get_longname(): f.get_filesize() for f in conn.listPath(share, top + '\\*')}
    check(sizes['b.bin'] == size, 'listPath size %r' % sizes['b.bin'])
    print('%s: rename, createDirectory, listPath %s' % (dialect, listed))

    conn.deleteFile(share, top + '\\b.bin')
    conn.deleteDirectory(share, top + '\\sub')
    try:
        conn.deleteFile(share, top + '\\b.bin')
        raise AssertionError('deleteFile of a deleted file succeeded')
    except SessionError as e:
        check(e.getErrorString()[0] == 'STATUS_OBJECT_NAME_NOT_FOUND', 'second delete: %s' % (e.getErrorString(),))
    conn.deleteDirectory(share, top)
    listed = [f.get_longname() for f in conn.listPath(share, '*')]
    check(top not in listed, 'deleted directory still listed: %r' % listed)
    print('%s: deleteFile, deleteDirectory' % dialect)
    conn.logoff()
    conn.close()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--host', default='127.0.0.1')
    p.add_argument('--port', type=int, required=True)
    p.add_argument('--user', required=True)
    p.add_argument('--password', required=True)
    p.add_argument('--share', default='default')
    p.add_argument('--bytes', type=int, default=8 << 20)
    p.add_argument('--dialects', default='2.0.2,2.1,3.0')
    a = p.parse_args()
    for d in a.dialects.split(','):
        run(a.host, a.port, a.user, a.password, a.share, a.bytes, d)
    print('impacket_check: all passed')


if __name__ == '__main__':
    sys.exit(main())
