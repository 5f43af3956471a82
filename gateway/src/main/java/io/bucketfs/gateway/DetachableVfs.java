package io.bucketfs.gateway;

import io.bucketfs.vfs.Vfs;
import io.bucketfs.vfs.VfsException;
import io.bucketfs.vfs.VfsStatus;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * A {@link Vfs} handed to a protocol server for a mount that may be deleted while clients hold it (an SMB tree
 * connected before the delete). Until {@link #detach} every call goes to the mount; after it, every call that can
 * fail fails with {@link VfsStatus#STALE}, so a client sees its handles go stale instead of reaching a mount that
 * was stopped. A mount reopened by a delete that could not finish is {@link #retarget retargeted}: the clients go on
 * with the new mount object.
 */
final class DetachableVfs {

    private volatile Vfs target;
    private final Vfs proxy;
    private volatile boolean detached;

    DetachableVfs(Vfs target) {
        this.target = target;
        this.proxy = (Vfs) Proxy.newProxyInstance(Vfs.class.getClassLoader(), new Class<?>[] {Vfs.class},
                (p, m, args) -> call(m, args));
    }

    private Object call(Method m, Object[] args) throws Throwable {
        if (m.getDeclaringClass() == Object.class) {
            return m.getName().equals("equals") ? args[0] == proxy : m.invoke(this, args);
        }
        if (detached && java.util.Arrays.asList(m.getExceptionTypes()).contains(VfsException.class)) {
            throw new VfsException(VfsStatus.STALE, "the mount was deleted");
        }
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** The Vfs to hand out. */
    Vfs vfs() {
        return proxy;
    }

    /** Whether calls go to {@code v}. */
    boolean serves(Vfs v) {
        return target == v;
    }

    /** From now on calls go to {@code v} (the same mount, reopened from its journal). */
    void retarget(Vfs v) {
        target = java.util.Objects.requireNonNull(v);
    }

    /** From now on every call fails with {@link VfsStatus#STALE}. */
    void detach() {
        detached = true;
    }
}
