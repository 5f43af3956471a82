package io.bucketfs.smb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bucketfs.smb.mssmb2.Request;
import io.bucketfs.smb.mssmb2.Smb2Command;
import io.bucketfs.smb.mssmb2.Smb2Header;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** [MS-SMB2] 3.3.5.2.5 the charge of payload-moving requests: a credit per 64 KiB sent or asked back. */
@Timeout(10)
class CreditChargeTest {
    /** A request of {@code command} whose body is 64 zero bytes but for one 32-bit field. */
    private static Request request(int command, int fieldOffset, long value) {
        ByteBuf b = Unpooled.buffer(Smb2Header.SIZE + 64);
        Smb2Header h = new Smb2Header();
        h.command = command;
        h.encode(b);
        b.writeZero(64);
        b.setIntLE(Smb2Header.SIZE + fieldOffset, (int) value);
        return new Request(h, b);
    }

    @Test
    void chargesBy64KiBOfTheLargerDirection() {
        assertEquals(1, CreditCharge.required(request(Smb2Command.READ, 4, 0)));
        assertEquals(1, CreditCharge.required(request(Smb2Command.READ, 4, 65536)));
        assertEquals(2, CreditCharge.required(request(Smb2Command.READ, 4, 65537)));
        assertEquals(16, CreditCharge.required(request(Smb2Command.WRITE, 4, 1 << 20)));
        assertEquals(2, CreditCharge.required(request(Smb2Command.IOCTL, 44, 100_000)), "MaxOutputResponse");
        assertEquals(2, CreditCharge.required(request(Smb2Command.IOCTL, 28, 100_000)), "InputCount");
        assertEquals(4, CreditCharge.required(request(Smb2Command.QUERY_DIRECTORY, 28, 256 << 10)));
        assertEquals(1, CreditCharge.required(request(Smb2Command.CHANGE_NOTIFY, 4, 4096)));
        assertEquals(2, CreditCharge.required(request(Smb2Command.QUERY_INFO, 12, 70_000)), "InputBufferLength");
        assertEquals(3, CreditCharge.required(request(Smb2Command.SET_INFO, 4, 140_000)));
        assertEquals(1, CreditCharge.required(request(Smb2Command.CREATE, 4, 1 << 20)), "no payload charge");
    }

    @Test
    void aTruncatedBodyIsLeftToItsCommand() {
        ByteBuf b = Unpooled.buffer(Smb2Header.SIZE + 2);
        Smb2Header h = new Smb2Header();
        h.command = Smb2Command.READ;
        h.encode(b);
        b.writeShortLE(49);
        assertEquals(1, CreditCharge.required(new Request(h, b)));
    }
}
