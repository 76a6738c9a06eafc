/**
 * The contract between the machine side and the places it acts on: a {@link dev.suture.channel.Channel} runs a
 * command and reads, writes or copies a file on one machine. Implementations: this host ({@code LocalChannel}),
 * a test VM's agent ({@code AgentChannel}, with the agent's reply protocol in {@code AgentReplyParser}; the
 * agent itself is {@code vm/agent.sh}) and an SSH machine ({@code SshChannel} over Apache MINA SSHD: host keys in
 * {@code SshHostKeys}, login key files in {@code SshIdentities}, the ssh-agent's keys in {@code SshAgentLogin} and
 * {@code SshAgentClient}, the remote shell text in {@code RemoteCommand}).
 * A new kind of machine is a new Channel here and a new {@code MachineSpec} case. Knows nothing of patches.
 */
package dev.suture.channel;
