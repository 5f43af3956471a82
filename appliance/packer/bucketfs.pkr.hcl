# The bucketfs appliance image: one Ansible playbook (../ansible/site.yml), two targets.
#   AMI:   packer build -only=amazon-ebs.bucketfs -var region=eu-west-1 -var version=1.2.0 appliance/packer/
#   qcow2: appliance/packer/make-base-image.sh, then
#          packer build -only=qemu.bucketfs -var version=1.2.0 appliance/packer/
# Written for Debian 12's packer 1.6.6: no required_plugins block (1.7+), only builders and provisioners built
# into 1.6.6 (amazon-ebs, qemu, shell, ansible). Checked with `packer validate` of 1.6.6, in appliance/check:
#   packer validate -var version=0.0.0-check -var base_image=/dev/null -var subnet_id=subnet-0 \
#     -var vpc_id=vpc-0 appliance/packer/
# (a full validate, not -syntax-only: it needs no AWS credentials because nothing is looked up until a build).

variable "version" {
  type        = string
  description = "The appliance version, part of the AMI and qcow2 names."
  default     = "0.1.0"
}

variable "region" {
  type        = string
  description = "AWS region of the build instance and the AMI."
  default     = "us-east-1"
}

variable "instance_type" {
  type        = string
  description = "Instance type of the build instance (the image runs on any x86_64 type)."
  default     = "t3.medium"
}

variable "subnet_id" {
  type        = string
  description = "Subnet of the build instance (empty: the default VPC's). It needs a route to the internet for apt."
  default     = ""
}

variable "vpc_id" {
  type        = string
  description = "VPC of the build instance (empty: the default VPC)."
  default     = ""
}

variable "root_volume_size" {
  type        = number
  description = "Root volume of the AMI in GiB: system, the metadata journal and gateway state (not the cache)."
  default     = 16
}

variable "base_image" {
  type        = string
  description = "qcow2 made by make-base-image.sh (Debian 12, kernel, openssh, cloud-init); empty: its default output."
  default     = ""
}

variable "accelerator" {
  type        = string
  description = "qemu accelerator: tcg (works everywhere, slow) or kvm."
  default     = "tcg"
}

variable "disk_size" {
  type        = string
  description = "Disk size of the qcow2 (the root partition grows to it at first boot)."
  default     = "4096M"
}

variable "dist_dir" {
  type        = string
  description = "The built gateway distribution: bucketfs-gateway.jar and lib/ (empty: the checkout's gateway/target)."
  default     = ""
}

locals {
  name       = "bucketfs-${var.version}"
  base_image = var.base_image != "" ? var.base_image : "${path.root}/output-base/debian-12-base.qcow2"
  dist_dir   = var.dist_dir != "" ? var.dist_dir : "${path.root}/../../gateway/target"
}

source "amazon-ebs" "bucketfs" {
  region        = var.region
  instance_type = var.instance_type
  subnet_id     = var.subnet_id
  vpc_id        = var.vpc_id
  ssh_username  = "admin"

  # the newest official Debian 12 AMI (Debian's AWS account)
  source_ami_filter {
    owners      = ["136693071363"]
    most_recent = true
    filters = {
      name                = "debian-12-amd64-*"
      architecture        = "x86_64"
      virtualization-type = "hvm"
      root-device-type    = "ebs"
    }
  }

  launch_block_device_mappings {
    device_name           = "/dev/xvda"
    volume_size           = var.root_volume_size
    volume_type           = "gp3"
    iops                  = 3000
    throughput            = 125
    delete_on_termination = true
    encrypted             = true
  }

  encrypt_boot    = true
  ena_support     = true
  ami_name        = "${local.name}-${formatdate("YYYYMMDD-hhmm", timestamp())}"
  ami_description = "bucketfs ${var.version}: object storage over NFS and SMB; instance-store NVMe as cache"
  tags = {
    Name    = local.name
    version = var.version
  }
}

source "qemu" "bucketfs" {
  iso_url          = abspath(local.base_image)
  iso_checksum     = "none"
  disk_image       = true
  format           = "qcow2"
  disk_size        = var.disk_size
  disk_interface   = "virtio"
  net_device       = "virtio-net"
  accelerator      = var.accelerator
  headless         = true
  memory           = 2048
  cpus             = 2
  output_directory = "${path.root}/output-qemu-${var.version}"
  vm_name          = "${local.name}.qcow2"
  # the base image's cloud-init reads the build account from Packer's HTTP server (NoCloud)
  http_directory = "${path.root}/http"
  qemuargs = [
    ["-smbios", "type=1,serial=ds=nocloud-net;s=http://{{ .HTTPIP }}:{{ .HTTPPort }}/"],
  ]
  communicator = "ssh"
  ssh_username = "admin"
  ssh_password = "packer-build-only"
  ssh_timeout  = "60m"
  # the build account exists only while Packer runs: gone before the image is closed
  shutdown_command = "sudo sh -c 'userdel -f -r admin; rm -f /etc/sudoers.d/90-cloud-init-users; shutdown -P now'"
}

build {
  sources = ["source.amazon-ebs.bucketfs", "source.qemu.bucketfs"]

  # the first boot's cloud-init (apt, users) must be done before Ansible uses apt
  provisioner "shell" {
    inline = ["cloud-init status --wait >/dev/null || true"]
  }

  provisioner "ansible" {
    playbook_file = "${path.root}/../ansible/site.yml"
    user          = "admin"
    groups        = ["appliance"]
    extra_arguments = [
      "--become",
      "--extra-vars", "appliance_build=true bucketfs_dist_dir=${abspath(local.dist_dir)}",
      # Packer 1.6's SSH proxy offers ssh-rsa (SHA-1) keys, which OpenSSH 9 refuses unless asked, and speaks the
      # old scp protocol only (OpenSSH 9's scp uses SFTP unless given -O)
      "--ssh-extra-args", "-o HostKeyAlgorithms=+ssh-rsa -o PubkeyAcceptedAlgorithms=+ssh-rsa",
      "--scp-extra-args", "'-O'",
    ]
    ansible_env_vars = ["ANSIBLE_CONFIG=${path.root}/../ansible/ansible.cfg", "ANSIBLE_HOST_KEY_CHECKING=False"]
  }

  # an image, not an instance: first boot regenerates host keys and runs cloud-init and the first-boot units
  provisioner "shell" {
    inline = [
      "sudo cloud-init clean --logs --seed",
      "sudo rm -f /etc/ssh/ssh_host_*_key /etc/ssh/ssh_host_*_key.pub",
      "sudo truncate -s 0 /etc/machine-id",
      "sudo sh -c 'rm -rf /var/lib/bucketfs/* /var/log/bucketfs/*'",
    ]
  }
}
