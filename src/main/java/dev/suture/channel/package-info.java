/**
 * The contract between the machine side and the places it acts on: a {@link dev.suture.channel.Channel} runs a
 * command and reads, writes or copies a file on one machine. Implementations: this host ({@code LocalChannel})
 * and a test VM's agent ({@code AgentChannel}, with the agent's reply protocol in {@code AgentReplyParser}; the
 * agent itself is {@code vm/agent.sh}). A new kind of machine (SSH) is a new Channel here and a new
 * {@code MachineSpec} case. Knows nothing of patches.
 */
package dev.suture.channel;
