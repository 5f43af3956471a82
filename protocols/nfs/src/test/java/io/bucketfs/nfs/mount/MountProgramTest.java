package io.bucketfs.nfs.mount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bucketfs.nfs.export.Cidr;
import io.bucketfs.nfs.export.Export;
import io.bucketfs.nfs.export.ExportRules;
import io.bucketfs.nfs.export.ExportTable;
import io.bucketfs.vfs.Vfs;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dcache.oncrpc4j.rpc.OncRpcClient;
import org.dcache.oncrpc4j.rpc.OncRpcProgram;
import org.dcache.oncrpc4j.rpc.OncRpcSvc;
import org.dcache.oncrpc4j.rpc.OncRpcSvcBuilder;
import org.dcache.oncrpc4j.rpc.RpcAuthTypeUnix;
import org.dcache.oncrpc4j.rpc.RpcCall;
import org.dcache.oncrpc4j.rpc.net.IpProtocolType;
import org.dcache.oncrpc4j.xdr.XdrVoid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** MOUNT v3 EXPORT, DUMP, UMNT, UMNTALL over loopback (RFC 1813 Appendix I); MNT itself runs in the NFS tests. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MountProgramTest {

    @Test
    void exportListsEveryExportWithItsGroupsAndDumpFollowsMountsAndUnmounts() throws Exception {
        Vfs unused = (Vfs) Proxy.newProxyInstance(Vfs.class.getClassLoader(), new Class<?>[] {Vfs.class},
                (p, m, a) -> {
                    throw new UnsupportedOperationException(m.getName());
                });
        ExportTable table = new ExportTable();
        table.add(new Export(1, "alpha", unused, ExportRules.OPEN));
        table.add(new Export(2, "beta", unused, new ExportRules(List.of(Cidr.parse("10.0.0.0/8"),
                Cidr.parse("192.168.1.0/24")), true, true, 1, 1)));
        OncRpcSvc svc = new OncRpcSvcBuilder().withTCP().withPort(0).withBindAddress("127.0.0.1")
                .withoutAutoPublish().withWorkerThreadIoStrategy().withServiceName("mount-test")
                .withRpcService(new OncRpcProgram(MountProgram.PROGRAM, MountProgram.VERSION),
                        new MountProgram(table))
                .build();
        svc.start();
        int port = svc.getInetSocketAddress(IpProtocolType.TCP).getPort();
        try (OncRpcClient client = new OncRpcClient(InetAddress.getLoopbackAddress(), IpProtocolType.TCP, port)) {
            RpcCall call = new RpcCall(MountProgram.PROGRAM, MountProgram.VERSION,
                    new RpcAuthTypeUnix(0, 0, new int[0], 0, "t"), client.connect());
            ExportList ex = new ExportList();
            call.call(MountProgram.MNTPROC_EXPORT, XdrVoid.XDR_VOID, ex, 10, TimeUnit.SECONDS);
            assertEquals(List.of(new ExportList.Node("/alpha", List.of()),
                    new ExportList.Node("/beta", List.of("10.0.0.0/8", "192.168.1.0/24"))), ex.exports);
            // MNT of beta is refused (127.0.0.1 is not admitted): not listed by DUMP
            MountRes refused = new MountRes();
            call.call(MountProgram.MNTPROC_MNT, new DirPath("/beta"), refused, 10, TimeUnit.SECONDS);
            assertEquals(MountStatus.MNT3ERR_ACCES, refused.status);
            MountList dump = new MountList();
            call.call(MountProgram.MNTPROC_DUMP, XdrVoid.XDR_VOID, dump, 10, TimeUnit.SECONDS);
            assertTrue(dump.mounts.isEmpty(), dump.mounts.toString());
            call.call(MountProgram.MNTPROC_UMNT, new DirPath("/alpha"), XdrVoid.XDR_VOID, 10, TimeUnit.SECONDS);
            call.call(MountProgram.MNTPROC_UMNTALL, XdrVoid.XDR_VOID, XdrVoid.XDR_VOID, 10, TimeUnit.SECONDS);
        } finally {
            svc.stop(5, TimeUnit.SECONDS);
        }
    }
}
