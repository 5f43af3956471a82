"""Unit tests of bucketfs-userdata (roles/userdata/files): the YAML → CLI translation, and one run against a fake
CLI. Run: python3 -m unittest discover -s appliance/tests (Debian python3 + python3-yaml only)."""
import importlib.machinery
import importlib.util
import os
import pathlib
import stat
import subprocess
import sys
import tempfile
import textwrap
import unittest

SCRIPT = pathlib.Path(__file__).resolve().parent.parent / "ansible/roles/userdata/files/bucketfs-userdata"
_loader = importlib.machinery.SourceFileLoader("bucketfs_userdata", str(SCRIPT))
_spec = importlib.util.spec_from_loader("bucketfs_userdata", _loader)
ud = importlib.util.module_from_spec(_spec)
_loader.exec_module(ud)

USER_DATA = textwrap.dedent("""\
    #cloud-config
    packages: []
    bucketfs:
      mounts:
        - connection: ml
          cache-size: 500GB
          protocol: both
          read-only: true
          nfs-clients: [10.0.0.0/8, 192.168.1.7]
          smb-users: [alice]
          durability: object-store
      users:
        - {name: alice, password: "s3cret pw"}
      connections:
        - name: ml
          provider: aws-s3
          bucket: my-company-ml-data
          region: us-east-1
          access-key: AKIAEXAMPLE
          secret-key: wJalrEXAMPLE
          read-write: false
        - name: minio
          provider: minio
          bucket: b
          endpoint: http://10.0.0.9:9000
          path_style: true
          access-key: k
          secret-key: s
          read-write: true
      buckets:
        - name: scratch
          connection: minio
    """)


class TranslationTest(unittest.TestCase):
    def test_every_list_in_dependency_order_with_secrets_on_stdin(self):
        planned = ud.commands(ud.bucketfs_section(USER_DATA))
        self.assertEqual([
            (["connections", "create", "--access-key", "AKIAEXAMPLE", "--bucket", "my-company-ml-data",
              "--name", "ml", "--provider", "aws-s3", "--region", "us-east-1", "--secret-key", "-"],
             "wJalrEXAMPLE\n"),
            (["connections", "create", "--access-key", "k", "--bucket", "b", "--endpoint", "http://10.0.0.9:9000",
              "--name", "minio", "--path-style", "true", "--provider", "minio", "--read-write", "--secret-key", "-"],
             "s\n"),
            (["buckets", "create", "--connection", "minio", "--name", "scratch"], None),
            (["users", "add", "alice", "--password-stdin"], "s3cret pw\n"),
            (["mount", "create", "--cache-size", "500GB", "--connection", "ml", "--durability", "object-store",
              "--nfs-clients", "10.0.0.0/8,192.168.1.7", "--protocol", "both", "--read-only", "--smb-users", "alice"],
             None),
        ], [(argv, stdin) for argv, stdin, _ in planned])

    def test_secrets_never_in_the_description(self):
        for argv, _, description in ud.commands(ud.bucketfs_section(USER_DATA)):
            for secret in ("wJalrEXAMPLE", "s3cret pw"):
                self.assertNotIn(secret, description)
                self.assertNotIn(secret, argv)

    def test_mistakes_name_the_field_and_leave_other_entries(self):
        planned = ud.commands({"mounts": [{"bucket": "x", "cache_size": 1}, {"bucket": "y", "colour": "red"}],
                               "users": [{"name": "bob"}], "extra": []})
        errors = [str(p) for p in planned if isinstance(p, ud.UserDataError)]
        self.assertEqual(["bucketfs: unknown keys extra (known: connections, buckets, users, mounts)",
                          "users: password: required"], errors[:2])
        self.assertTrue(errors[2].startswith("mounts: colour: unknown field"), errors[2])
        self.assertIn((["mount", "create", "--bucket", "x", "--cache-size", "1"], None),
                      [(p[0], p[1]) for p in planned if not isinstance(p, ud.UserDataError)])

    def test_a_flag_must_be_a_boolean(self):
        with self.assertRaisesRegex(ud.UserDataError, "read-only: true or false"):
            ud.command_for("mounts", {"bucket": "x", "read-only": "yes please"})

    def test_no_section_and_not_yaml_mean_nothing_to_do(self):
        self.assertEqual([], ud.commands(ud.bucketfs_section("#cloud-config\npackages: [htop]\n")))
        self.assertEqual([], ud.commands(ud.bucketfs_section("#!/bin/sh\necho: [unbalanced\n")))
        self.assertEqual([], ud.commands(ud.bucketfs_section("")))


class RunTest(unittest.TestCase):
    """main() against a fake CLI that records its arguments and stdin; the marker makes a second run a no-op."""

    def test_applies_once_and_logs_what_it_did(self):
        with tempfile.TemporaryDirectory() as d:
            d = pathlib.Path(d)
            calls = d / "calls"
            cli = d / "bucketfs"
            cli.write_text("#!/bin/sh\n[ \"$1\" = status ] && exit 0\n"
                           f"echo \"$* <$(cat)>\" >>{calls}\n"
                           "case \"$*\" in *scratch*) echo 'bucketfs: name: bucket exists' >&2; exit 1;; esac\n")
            cli.chmod(cli.stat().st_mode | stat.S_IEXEC)
            (d / "user-data.txt").write_text(USER_DATA)
            env = dict(os.environ, BUCKETFS_USERDATA_FILE=str(d / "user-data.txt"),
                       BUCKETFS_USERDATA_MARKER=str(d / "state/applied"), BUCKETFS_USERDATA_LOG=str(d / "log/ud.log"),
                       BUCKETFS_CLI=str(cli), BUCKETFS_USERDATA_WAIT="5")
            first = subprocess.run([sys.executable, str(SCRIPT)], env=env, capture_output=True, text=True)
            self.assertEqual(1, first.returncode, first.stdout + first.stderr)  # the bucket that "exists"
            self.assertIn("done: 4 applied, 1 failed", first.stdout)
            self.assertIn("failed (exit 1): bucketfs buckets create --connection minio --name scratch: "
                          "bucketfs: name: bucket exists", first.stdout)
            self.assertIn("users add alice --password-stdin <s3cret pw>", calls.read_text())
            self.assertNotIn("s3cret", (d / "log/ud.log").read_text())
            self.assertTrue((d / "state/applied").exists())
            second = subprocess.run([sys.executable, str(SCRIPT)], env=env, capture_output=True, text=True)
            self.assertEqual(0, second.returncode)
            self.assertIn("already applied", second.stdout)
            self.assertEqual(5, len(calls.read_text().splitlines()))


if __name__ == "__main__":
    unittest.main()
