import { Command, Option } from 'commander';
import { InputError } from '../errors.js';
import { doctorExitCode, renderDoctor } from '../doctor/render.js';
import type { ProviderReport } from '../doctor/types.js';
import { addLiveOptions, asInput, awsOptions, type LiveFlags } from './live.js';

interface DoctorFlags extends LiveFlags {
  /** Hidden, for tests against a local fake: the Entra token endpoint (loopback http allowed). */
  entraTokenEndpoint?: string;
}

/**
 * `nhiscan doctor --entra|--okta|--aws`: checks the credential and sends one cheap read per
 * capability, then prints one screen saying what is missing and what to grant.
 * Exit 0 all OK, 3 something missing or failing or a provider that did not answer, 2 bad
 * configuration or a refused credential (src/doctor/render.ts, doctorExitCode).
 */
export function registerDoctor(program: Command): void {
  const cmd = program
    .command('doctor')
    .description('check credentials and each read permission a scan needs, and say what to grant');
  addLiveOptions(cmd);
  cmd.addOption(new Option('--entra-token-endpoint <url>').hideHelp());
  cmd.action(async (flags: DoctorFlags) => {
    if (!flags.entra && !flags.okta && !flags.aws) throw new InputError('name at least one provider: --entra, --okta, --aws');
    // Checked before any request, as for collect (a bad --aws-region, profile or accounts file: exit 2).
    const aws = flags.aws ? await awsOptions(flags, undefined) : undefined;
    const reports: ProviderReport[] = [];
    if (flags.entra) reports.push(await entraReport(flags));
    if (flags.okta) reports.push(await oktaReport(flags));
    if (aws) {
      // SDKs load on demand so that offline commands start fast.
      const { checkAws } = await import('../doctor/aws.js');
      reports.push(await checkAws({ profile: aws.profile, region: aws.region, assumeRoleName: aws.assumeRoleName, accounts: aws.accounts }));
    }
    process.stdout.write(renderDoctor(reports));
    process.exitCode = doctorExitCode(reports);
  });
}

async function entraReport(flags: DoctorFlags): Promise<ProviderReport> {
  const { entraCredentialChoiceWarning, entraOptionsFromEnv } = await import('../connectors/entra/client.js');
  const { checkEntra } = await import('../doctor/entra.js');
  try {
    const opts = entraOptionsFromEnv(process.env, {
      tenantId: flags.entraTenant,
      clientId: flags.entraClientId,
      authority: flags.entraAuthority,
      graphUrl: flags.graphUrl,
      tokenEndpoint: flags.entraTokenEndpoint,
    });
    const choice = entraCredentialChoiceWarning(process.env);
    if (choice) process.stderr.write(`nhiscan: warning: ${choice}\n`);
    return await checkEntra(opts);
  } catch (e) {
    throw asInput(e);
  }
}

async function oktaReport(flags: DoctorFlags): Promise<ProviderReport> {
  const { oktaOptionsFromEnv } = await import('../connectors/okta/options.js');
  const { checkOkta } = await import('../doctor/okta.js');
  let opts;
  try {
    opts = oktaOptionsFromEnv(process.env, { oktaOrgUrl: flags.oktaOrgUrl });
  } catch (e) {
    throw new InputError((e as Error).message);
  }
  if (!opts) throw new InputError('--okta needs OKTA_ORG_URL and credentials (see docs/okta-permissions.md)');
  try {
    return await checkOkta(opts);
  } catch (e) {
    if (e instanceof Error && /ConfigError/.test(e.name)) throw new InputError(e.message);
    throw e;
  }
}
