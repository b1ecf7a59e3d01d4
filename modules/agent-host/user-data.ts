/**
 * Idempotent cloud-init user data for a RHEL 9 host: RHEL images lack the SSM agent, so it is
 * installed (with the CloudWatch agent) from the regional AWS bucket — reached through the VPC's
 * S3 gateway endpoint. Safe to run again: every step checks before it acts.
 */
import { tfLiteral } from "../literal";
import { cloudWatchAgentConfig, secureAgentProcessPatterns } from "./cloudwatch-agent";

export interface UserDataProps {
  readonly region: string;
  /** Device name of the data volume as attached (`/dev/sdf` -> nvme on Nitro). */
  readonly dataDevice: string;
  readonly dataMountPoint: string;
  /** Non-root, non-sudo user sessions run as (created before the SSM agent starts). */
  readonly runAsUser: string;
  /** CloudWatch agent log group for the agent's own logs. */
  readonly logGroupName: string;
}

export function agentHostUserData(p: UserDataProps): string {
  const ssmRpm = `https://s3.${p.region}.amazonaws.com/amazon-ssm-${p.region}/latest/linux_amd64/amazon-ssm-agent.rpm`;
  const cwRpm = `https://s3.${p.region}.amazonaws.com/amazoncloudwatch-agent-${p.region}/redhat/amd64/latest/amazon-cloudwatch-agent.rpm`;
  const cwConfig = cloudWatchAgentConfig({
    dataMountPoint: p.dataMountPoint,
    logGroupName: p.logGroupName,
    processPatterns: secureAgentProcessPatterns(p.dataMountPoint),
  });
  return tfLiteral(`#!/bin/bash
set -euo pipefail
exec > >(tee -a /var/log/dp-user-data.log) 2>&1

# 0. The non-root, non-sudo user sessions run as (runAs), created BEFORE the SSM agent can start
#    a session: the agent would otherwise create it itself, with passwordless sudo.
id -u ${p.runAsUser} >/dev/null 2>&1 || useradd --create-home --shell /bin/bash ${p.runAsUser}
gpasswd -d ${p.runAsUser} wheel >/dev/null 2>&1 || true
rm -f /etc/sudoers.d/ssm-agent-users

# 1. SSM agent (RHEL images do not ship it).
if ! rpm -q amazon-ssm-agent >/dev/null 2>&1; then
  dnf install -y "${ssmRpm}"
fi
# The agent's own sudoers drop-in (if a package ever ships one) is removed before it starts.
rm -f /etc/sudoers.d/ssm-agent-users
systemctl enable --now amazon-ssm-agent

# 2. CloudWatch agent (memory and disk metrics, logs).
if ! rpm -q amazon-cloudwatch-agent >/dev/null 2>&1; then
  dnf install -y "${cwRpm}"
fi
install -d -m 0755 /opt/aws/amazon-cloudwatch-agent/etc
cat > /opt/aws/amazon-cloudwatch-agent/etc/dp-agent.json <<'CWCONFIG'
${JSON.stringify(cwConfig, null, 2)}
CWCONFIG
/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s \\
  -c file:/opt/aws/amazon-cloudwatch-agent/etc/dp-agent.json

# 3. Data volume for the Secure Agent (format only when it holds no filesystem).
DEV="$(readlink -f ${p.dataDevice} 2>/dev/null || true)"
if [ -z "$DEV" ] || [ ! -b "$DEV" ]; then
  DEV="$(lsblk -dpno NAME,SERIAL | awk '$2 ~ /^vol/ {print $1}' | while read -r d; do
    lsblk -no MOUNTPOINT "$d" | grep -q . || echo "$d"; done | head -n1)"
fi
if [ -n "$DEV" ]; then
  blkid "$DEV" >/dev/null 2>&1 || mkfs.xfs "$DEV"
  install -d -m 0755 ${p.dataMountPoint}
  UUID="$(blkid -s UUID -o value "$DEV")"
  grep -q "$UUID" /etc/fstab || echo "UUID=$UUID ${p.dataMountPoint} xfs defaults,nofail 0 2" >> /etc/fstab
  mountpoint -q ${p.dataMountPoint} || mount ${p.dataMountPoint}
fi

chown ${p.runAsUser}: ${p.dataMountPoint} || true
`);
}
