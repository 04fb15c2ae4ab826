# Firewall: the profiles in force, their effective state, inbound exceptions, third-party firewalls.
# Enums are emitted as strings and counts as numbers, so nothing depends on the display language.
# -PolicyStore ActiveStore is the sum of every store (Group Policy included); the default
# PersistentStore shows NotConfigured (research/posture.md §3). Only the profiles are essential:
# every other part has its own try, so a machine without network (Get-NetConnectionProfile
# finds no object) or with unreadable rules still gets a verdict on the profiles.
$out = @{}
$out.profiles = @(Get-NetFirewallProfile -PolicyStore ActiveStore | ForEach-Object {
    @{ name = [string]$_.Name; enabled = [string]$_.Enabled; inbound = [string]$_.DefaultInboundAction }
})
$out.connected = try { @(Get-NetConnectionProfile | ForEach-Object { [string]$_.NetworkCategory }) } catch { @() }
$out.allow_rules = $null
$out.broad_rules = @()
$out.open_ports = $null
try {
    $rules = @(Get-NetFirewallRule -PolicyStore ActiveStore -Direction Inbound -Action Allow -Enabled True)
    # Exceptions are the rules programs and people added: Windows' own rules (Core Networking and
    # the like) belong to a rule group, and counting them would warn on every fresh installation.
    $out.allow_rules = @($rules | Where-Object { -not $_.Group }).Count
    $apps = @{}; Get-NetFirewallApplicationFilter -PolicyStore ActiveStore | ForEach-Object { $apps[$_.InstanceID] = [string]$_.Program }
    $ports = @{}; $local = @{}
    Get-NetFirewallPortFilter -PolicyStore ActiveStore | ForEach-Object { $ports[$_.InstanceID] = ([string]$_.Protocol) + '/' + ([string]$_.LocalPort); $local[$_.InstanceID] = @($_.LocalPort) }
    # The local ports enabled allow rules open (Windows' own rules included): a listening port
    # is exposed only when a rule lets connections to it in. The kernel's SMB server listens on
    # 445 on every Windows PC; it is reachable only when File and printer sharing is on.
    $out.open_ports = @($rules | ForEach-Object { $local[$_.InstanceID] } | Where-Object { $_ -match '^[0-9]+$' } | ForEach-Object { [int]$_ } | Sort-Object -Unique | Select-Object -First 500)
    $addrs = @{}; Get-NetFirewallAddressFilter -PolicyStore ActiveStore | ForEach-Object { $addrs[$_.InstanceID] = [string]$_.RemoteAddress }
    $out.broad_rules = @($rules | Where-Object { $apps[$_.InstanceID] -eq 'Any' -and $ports[$_.InstanceID] -eq 'Any/Any' -and $addrs[$_.InstanceID] -eq 'Any' } | Select-Object -First 20 | ForEach-Object { [string]$_.DisplayName })
} catch { }
$out.products = try {
    @(Get-CimInstance -Namespace root/SecurityCenter2 -ClassName FirewallProduct | ForEach-Object {
        @{ name = [string]$_.displayName; state = [int64]$_.productState }
    })
} catch { $null }
$out
