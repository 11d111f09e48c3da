# Messages shared by every command.

error-internal = Something went wrong on our side. Please try again in a moment; if you are in danger, call 17 (police) or 112.
error-invalid-arguments = Some of the values you entered could not be read. Please check them and try again.
error-guild-only = This command only works inside a server.
this-server = this server
error-stale-button = This button is no longer valid. Use the command again to get a new one.
error-stale-form = This form is no longer valid. Start again from the command or the menu.
error-unknown-command = This command is no longer available. Your Discord app may show an outdated list: restart it and try again.
error-impossible-interaction = This action cannot be carried out: it does not match anything the bot offers.
