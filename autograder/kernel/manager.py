"""jupyter_client glue: kernel managers whose kernels come from the sandboxed fork server.

The kernel talks to the grader over unix sockets (jupyter's ``ipc`` transport) in its scratch
folder: a kernel in its own network namespace cannot reach the grader's TCP loopback, while a
socket file is reached through the file system, which both sides share at the same path.
"""
from __future__ import annotations

import asyncio
import os
import select
import signal
import time
from queue import Empty

import zmq
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning.local_provisioner import LocalProvisioner
from traitlets import Any, Dict


MAX_MESSAGE_BYTES = 64 * 2**20


class ForkedKernelProcess:
    """A ``Popen``-like handle on a kernel that is not our child (the fork server started it).

    A pidfd follows the process itself, so a recycled pid can never be signalled by mistake.
    """

    def __init__(self, pid):
        self.pid = pid
        self.pidfd = os.pidfd_open(pid)
        self.returncode = None
        self.stdin = self.stdout = self.stderr = None

    def poll(self):
        """None while the kernel runs; afterwards a non-zero code (the real one is the shim's)."""
        if self.returncode is None and self.pidfd is not None:
            ready, _, _ = select.select([self.pidfd], [], [], 0)
            if ready:
                self.returncode = -signal.SIGKILL
                os.close(self.pidfd)
                self.pidfd = None
        return self.returncode

    def wait(self, timeout=None):
        if self.pidfd is not None:
            select.select([self.pidfd], [], [], timeout)
        return self.poll()

    def send_signal(self, signum):
        if self.poll() is None:
            try:
                signal.pidfd_send_signal(self.pidfd, signum)
            except ProcessLookupError:
                pass

    def kill(self):
        # Process 1 of a pid namespace only gets signals it handles, except SIGKILL: always use it.
        self.send_signal(signal.SIGKILL)

    terminate = kill


class SandboxProvisioner(LocalProvisioner):
    """Starts the kernel through the worker's fork server instead of ``Popen``."""

    async def launch_kernel(self, cmd, **kwargs):
        km = self.parent
        request = dict(km.sandbox_request)
        request["connection_file"] = km.connection_file
        uid = int(request["uid"]) if request.get("mode") == "root" else os.getuid()
        os.chown(km.connection_file, uid, uid)
        pid = km.kernel_server.start_kernel(request)
        self.process = ForkedKernelProcess(pid)
        self.pid = pid
        self.pgid = None
        self.cwd = request["scratch"]
        await self._sockets_bound(km)
        return self.connection_info

    async def _sockets_bound(self, km, timeout=30.0):
        """Wait until the kernel has bound its sockets, so the client's first connect succeeds.

        Connecting earlier works too, but zmq then retries only after its reconnect interval
        (0.1 s), most of a fork-served kernel's start-up time.
        """
        channels = ("shell", "iopub", "stdin", "control", "hb")
        paths = [f"{km.ip}-{self.connection_info[f'{name}_port']}" for name in channels]
        deadline = time.monotonic() + timeout
        while not all(os.path.exists(path) for path in paths):
            if self.process.poll() is not None or time.monotonic() > deadline:
                return  # the client's own checks report the dead or silent kernel
            await asyncio.sleep(0.005)

    async def send_signal(self, signum):
        if self.process is not None:
            self.process.send_signal(signum)

    async def kill(self, restart=False):
        if self.process is not None:
            self.process.kill()

    async def terminate(self, restart=False):
        await self.kill(restart)

    async def cleanup(self, restart=False):
        if self.process is not None and self.process.pidfd is not None:
            os.close(self.process.pidfd)
            self.process.pidfd = None


class QuickClient(AsyncKernelClient):
    """A kernel client whose start-up handshake polls in short steps.

    The handshake is jupyter_client's: ask for kernel_info until the reply comes and a message
    has also arrived on IOPub (so its subscription is known to work), then drain IOPub. Its
    0.2 s waits cost a fork-served kernel, ready in a few hundredths of a second, most of its
    start-up time.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # A kernel can send anything; one message may not hold more than this (zmq drops the
        # connection instead, and the silent kernel is then stopped for time).
        self.context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)

    async def wait_for_ready(self, timeout=None):
        deadline = time.monotonic() + (timeout or 60.0)
        while True:
            self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=0.25)
            except Empty:
                reply = None
            if reply is not None and reply["msg_type"] == "kernel_info_reply":
                try:
                    await self.iopub_channel.get_msg(timeout=0.05)
                except Empty:
                    pass
                else:
                    self._handle_kernel_info_reply(reply)
                    break
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")
        while True:
            try:
                await self.iopub_channel.get_msg(timeout=0.02)
            except Empty:
                break


class SandboxKernelManager(AsyncKernelManager):
    """A kernel manager for one sandboxed kernel; set the two attributes before starting."""

    kernel_server = Any(help="the worker's KernelServer")
    sandbox_request = Dict(help="scratch, root_mount, uid, mode, limits, expose")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.client_class = "autograder.kernel.manager.QuickClient"
        self.transport = "ipc"
        self.cache_ports = False

    async def _async_pre_start_kernel(self, **kw):
        scratch = self.sandbox_request["scratch"]
        self.ip = os.path.join(scratch, "kernel")
        self.connection_file = os.path.join(scratch, "kernel.json")
        if self.provisioner is None:
            self.provisioner = SandboxProvisioner(
                kernel_id=self.kernel_id or kw.get("kernel_id") or "sandbox",
                kernel_spec=self.kernel_spec, parent=self,
            )
        return await super()._async_pre_start_kernel(**kw)

    async def _async_wait(self, pollinterval=0.1):
        """Wait for the kernel to end, checking its pidfd often (it is cheap) instead of every 0.1 s."""
        process = getattr(self.provisioner, "process", None)
        while process is not None and process.poll() is None:
            await asyncio.sleep(0.005)
        await super()._async_wait(pollinterval=pollinterval)
